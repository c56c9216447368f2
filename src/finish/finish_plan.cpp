#include "finish/finish_plan.h"

#include <algorithm>
#include <set>

#include "analyze/clip_analysis.h"
#include "core/atomic_file.h"
#include "core/hash.h"
#include "core/path_within.h"
#include "core/regular_file.h"
#include "finish/palette_match.h"
#include "finish/reframe.h"
#include "finish/style_texture.h"

namespace fs = std::filesystem;

namespace shotgen::finish {
namespace {

std::string size_text(const film::Resolution& r) { return std::to_string(r.width) + "x" + std::to_string(r.height); }

// Where a shot's finishing problem is reported: the film.toml line of the shot when known.
std::string shot_where(const film::Shot& shot) {
  return shot.source.empty() ? "shot " + shot.id : shot.source + " shot " + shot.id;
}

}  // namespace

bool FinishPlan::has(film::FinishPass pass) const {
  return std::find(passes.begin(), passes.end(), pass) != passes.end();
}

std::optional<world::CameraMove> FinishPlan::reframe_for(std::string_view positive, world::CameraMove drawn) const {
  if (!has(film::FinishPass::Reframe)) return std::nullopt;
  return digital_move(positive, drawn);
}

std::optional<world::Style> FinishPlan::style_texture_for(std::string_view positive, world::Style drawn) const {
  if (!has(film::FinishPass::StyleTexture)) return std::nullopt;
  return texture_style(positive, drawn);
}

std::optional<world::Palette> FinishPlan::palette_match_for(std::string_view positive, world::Palette drawn) const {
  if (!has(film::FinishPass::PaletteMatch)) return std::nullopt;
  return palette_to_match(positive, drawn);
}

FinishDecisions FinishPlan::decisions_for(std::string_view positive, const analyze::ClipAnalysis& drawn) const {
  return {reframe_for(positive, drawn.motion.camera), style_texture_for(positive, drawn.style.style),
          palette_match_for(positive, drawn.palette.palette)};
}

nlohmann::json FinishPlan::to_json() const {
  nlohmann::json steps = nlohmann::json::array();
  for (film::FinishPass pass : passes) {
    nlohmann::json step = {{"pass", film::finish_pass_name(pass)}};
    switch (pass) {
      case film::FinishPass::Deflicker:
        step["strength"] = deflicker;
        break;
      case film::FinishPass::Reframe:
        step["zoom"] = reframe_zoom;
        break;
      case film::FinishPass::StyleTexture:  // no parameters: what it draws follows the prompt
      case film::FinishPass::PaletteMatch:  // likewise
        break;
      case film::FinishPass::Grade:
        step["lut"] = lut_path;
        step["lut_sha256"] = lut_sha256;
        step["interpolation"] = film::lut_interpolation_name(interpolation);
        step["strength"] = lut_strength;
        break;
      case film::FinishPass::PaletteLock:
        step["palette"] = palette.name;
        step["strength"] = palette_lock;
        break;
      case film::FinishPass::Upscale:
        step["kernel"] = film::upscale_kernel_name(kernel);
        step["fit"] = film::frame_fit_name(fit);
        step["to"] = size_text(output);
        break;
      case film::FinishPass::Grain:
        step["strength"] = grain;
        step["size"] = grain_size;
        break;
      case film::FinishPass::Letterbox:
        step["aspect"] = aspect;
        break;
    }
    steps.push_back(std::move(step));
  }
  return {{"passes", steps}};
}

std::string FinishPlan::block_hash() const { return sha256_hex(to_json().dump()); }

nlohmann::json finish_record(const FinishPlan& plan, std::uint64_t take_seed, const std::string& device,
                             int source_width, int source_height, int source_frames,
                             const FinishDecisions& drawn) {
  nlohmann::json record = plan.to_json();
  record["block_hash"] = plan.block_hash();
  record["grain_seed"] = grain_seed(take_seed);
  record["device"] = device;
  record["source"] = {{"width", source_width}, {"height", source_height}, {"frames", source_frames}};
  if (drawn.reframe) record["reframed"] = world::word(*drawn.reframe);
  if (drawn.texture) record["textured"] = world::word(*drawn.texture);
  if (drawn.palette) record["palette_matched"] = world::word(*drawn.palette);
  return record;
}

std::string recorded_block_hash(const std::string& finish_json) {
  if (finish_json.empty()) return {};
  const auto record = nlohmann::json::parse(finish_json, nullptr, /*allow_exceptions=*/false);
  return record.is_object() ? record.value("block_hash", std::string()) : std::string();
}

film::FinishSettings merged_finish(const film::Film& film, const film::Shot& shot) {
  const film::Scene* scene = film.scene_of(shot.id);
  return film.finish.overridden_by(scene ? scene->finish : film::FinishSettings{}).overridden_by(shot.finish);
}

FinishPlanner::FinishPlanner(const film::Film& film, fs::path workspace_root)
    : film_(film), root_(std::move(workspace_root)) {}

const FinishPlanner::LoadedLut& FinishPlanner::load_lut(const std::string& relative_path) {
  if (auto it = luts_.find(relative_path); it != luts_.end()) return it->second;
  const fs::path path = root_ / relative_path;
  if (!is_within(path, root_))
    throw Error("the LUT '" + relative_path + "' lies outside the workspace", path.string(),
                "copy the .cube file into the workspace (e.g. luts/) and name it relative to it",
                "lut-outside-workspace");
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec)))
    throw Error(Problem{"LUT file not found", path.string(), "check [finish] lut: a .cube file relative to the workspace",
                        ErrorKind::NotFound, "lut-file-missing"});
  std::string bytes;
  try {
    bytes = read_regular_file(path, kMaxCubeFileBytes);  // a FIFO or /dev/zero named as a LUT is refused
  } catch (const Error& e) {
    Problem problem = e.problem();
    problem.code = "lut-unreadable";
    throw Error(problem);
  }
  LoadedLut loaded{std::make_shared<const CubeLut>(parse_cube(bytes, path.string())), sha256_hex(bytes)};
  return luts_.emplace(relative_path, std::move(loaded)).first->second;
}

FinishPlan FinishPlanner::plan(const film::Shot& shot) {
  const film::FinishSettings s = merged_finish(film_, shot);
  FinishPlan plan;
  plan.output = film_.info.resolution;
  for (film::FinishPass pass : film::all_finish_passes())
    if (s.passes && std::find(s.passes->begin(), s.passes->end(), pass) != s.passes->end()) plan.passes.push_back(pass);
  plan.kernel = s.upscale.value_or(film::kDefaultUpscaleKernel);
  plan.fit = s.fit.value_or(film::kDefaultFrameFit);
  if (plan.has(film::FinishPass::Deflicker)) plan.deflicker = s.deflicker.value_or(film::kDefaultDeflicker);
  if (plan.has(film::FinishPass::Reframe)) {
    if (!plan.has(film::FinishPass::Upscale))
      throw Error("the reframe pass needs the upscale pass: it moves the upscale's crop window", "[finish] passes",
                  "add \"upscale\" to passes, or drop \"reframe\"", "reframe-without-upscale");
    plan.reframe_zoom = s.reframe_zoom.value_or(film::kDefaultReframeZoom);
  }
  if (plan.has(film::FinishPass::Grade)) {
    if (!s.lut)
      throw Error("the grade pass has no LUT", shot_where(shot), "set lut = \"luts/NAME.cube\" in [finish]", "missing-lut");
    const LoadedLut& loaded = load_lut(*s.lut);
    plan.lut = loaded.lut;
    plan.lut_path = *s.lut;
    plan.lut_sha256 = loaded.sha256;
    plan.interpolation = s.lut_interpolation.value_or(film::kDefaultLutInterpolation);
    plan.lut_strength = s.lut_strength.value_or(film::kDefaultLutStrength);
  }
  if (plan.has(film::FinishPass::PaletteLock)) {
    const film::Scene* scene = film_.scene_of(shot.id);
    const film::Look look = film_.look.overridden_by(scene ? scene->look : film::Look{}).overridden_by(shot.look);
    const auto& text = look.get(film::LookField::Palette);
    auto tones = text ? palette_tones(*text) : std::nullopt;
    if (!tones)
      throw Error(text ? "the palette lock does not know the palette '" + *text + "'" : "the palette lock needs a [look] palette",
                  shot_where(shot), "use one of: " + known_palettes() + "; or drop palette_lock from passes",
                  "unknown-palette");
    plan.palette = std::move(*tones);
    plan.palette_lock = s.palette_lock.value_or(film::kDefaultPaletteLock);
  }
  if (plan.has(film::FinishPass::Grain)) {
    plan.grain = s.grain.value_or(film::kDefaultGrain);
    plan.grain_size = s.grain_size.value_or(film::kDefaultGrainSize);
  }
  if (plan.has(film::FinishPass::Letterbox)) {
    if (!s.aspect)
      throw Error("the letterbox pass has no aspect", shot_where(shot), "set aspect = 2.39 (or another width/height) in [finish]",
                  "missing-aspect");
    plan.aspect = *s.aspect;
  }
  return plan;
}

std::vector<Problem> check_finish(const film::Film& film, const fs::path& workspace_root) {
  FinishPlanner planner(film, workspace_root);
  std::vector<Problem> problems;
  std::set<std::string> seen;
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots) {
      try {
        planner.plan(shot);
      } catch (const Error& e) {
        // A broken LUT shared by every shot is one problem, not one per shot.
        const bool shared = e.problem().where.rfind(shot_where(shot), 0) != 0;
        const std::string key = shared ? e.problem().message() : shot.id + e.problem().message();
        if (seen.insert(key).second) problems.push_back(e.problem());
      }
    }
  return problems;
}

}  // namespace shotgen::finish
