// shotgen generate: renders one clip from a prompt outside any project, as PNG frames
// (DIR/frame_0000.png …) and an H.264 MP4 (DIR/clip.mp4), with a progress bar on stderr when it
// is a terminal.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/frame_sizes.h"
#include "cli/option_checks.h"
#include "core/error.h"
#include "core/nearest_name.h"
#include "engine/engine.h"
#include "film/film.h"
#include "finish/clip_finishing.h"
#include "media/png.h"
#include "media/video_encoder.h"
#include "world/layout_guide.h"
#include "world/world.h"

namespace shotgen::cli {
namespace {

struct GenerateOptions {
  std::string prompt;
  std::string negative;
  std::uint64_t seed = 0;
  int steps = 20;
  int frames = 16;
  std::string size = "128x64";
  std::string out;
  double guidance = 3.0;  // the `final` backend's: higher scales speckle the bundled model's frames
  std::optional<double> negative_scale;
  std::optional<double> shift;  // default: the model's sampling_shift
  std::string sampler = "euler";
  std::optional<double> frame_noise_correlation;  // default: the model's frame_noise_correlation
  std::optional<bool> noise_follows_camera;       // default: the model's noise_follows_camera
  std::string model;
  std::string device = "auto";
  std::vector<std::string> references;
  double fps = 12.0;
  // The finishing passes the clip goes through before it is written (none: as the model drew it):
  // the deflicker, the style texture, the palette match, the reframe.
  finish::ClipFinishing finishing;
  double layout_guide = 0.0;      // the layout guide's share of the starting point (0: pure noise)
  bool as_film = false;           // the options above a new film renders a take with, unless given
  std::string guide_out;          // also write the layout guide's frames here
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// "PATH.png" or "PATH.png:ignore=lighting,texture": the dimensions are those of film.toml's
// `ignore` lists, checked before anything is read.
engine::ReferenceImage parse_reference(const std::string& spec) {
  engine::ReferenceImage reference;
  std::string path = spec;
  if (const auto at = spec.find(":ignore="); at != std::string::npos) {
    path = spec.substr(0, at);
    std::istringstream names(spec.substr(at + 8));
    for (std::string name; std::getline(names, name, ',');) {
      if (name.empty()) continue;
      if (!film::is_reference_dimension(name))
        throw Error("unknown reference dimension '" + name + "' in '" + spec + "'", "--reference",
                    did_you_mean(name, film::reference_dimensions(), "") + " known dimensions: " +
                        join(film::reference_dimensions()),
                    "unknown-value");
      reference.ignore.push_back(name);
    }
  }
  if (!std::filesystem::exists(path))
    throw Error("reference image not found", path, "give an existing PNG, optionally followed by :ignore=lighting,...");
  reference.image = media::read_png(path);
  return reference;
}

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void update(int step, int total, int window, int windows) {
    if (!enabled_) return;
    const int done = (window - 1) * total + step, all = windows * total;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = done > 0 ? elapsed / done * (all - done) : 0.0;
    const int width = 30, filled = width * done / all;
    std::fprintf(stderr, "\r[%s%s] step %d/%d window %d/%d  %.1fs elapsed, ETA %.1fs ",
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), '.').c_str(), step, total, window, windows,
                 elapsed, eta);
    if (done == all) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

void run_generate(const GenerateOptions& options) {
  const auto [width, height] = parse_frame_size(options.size, "--size");
  if (options.frames < 1) throw Error("frames must be at least 1", "--frames", "pass --frames 1 or more");
  // Every input is checked before the model runs or a frame is written.
  std::vector<engine::ReferenceImage> references;
  for (const std::string& spec : options.references) references.push_back(parse_reference(spec));
  engine::GenerationRequest request;
  request.positive = options.prompt;
  request.negative = options.negative;
  request.seed = options.seed;
  request.frames = options.frames;
  request.width = width;
  request.height = height;
  request.references = std::move(references);

  engine::SamplerSettings settings;
  settings.steps = options.steps;
  settings.guidance = options.guidance;
  settings.negative_scale = options.negative_scale;
  settings.method = engine::parse_sampler_method(options.sampler);
  settings.guide_share = options.layout_guide;
  std::optional<Clip> guide;
  if (options.layout_guide > 0) {
    guide = world::draw_layout_guide(request.positive, request.seed, request.frames, width, height);
    request.guide_frames = guide->frames;
  }

  const std::filesystem::path model_dir = engine::model_dir_or_default(options.model);
  engine::Engine engine = engine::Engine::load(model_dir, engine::parse_device_choice(options.device));
  settings.shift = options.shift.value_or(engine.info().config.sampling_shift);
  settings.frame_noise_correlation =
      options.frame_noise_correlation.value_or(engine.info().config.frame_noise_correlation);
  settings.noise_follows_camera = options.noise_follows_camera.value_or(engine.info().config.noise_follows_camera);
  request.camera_motion = world::prompt_camera_motion(request.positive, engine.info().config.window_frames, height);
  ProgressBar bar(isatty(STDERR_FILENO) != 0);
  const std::vector<Clip> clips =
      engine.generate({request}, settings, [&](int step, int total, int window, int windows) {
        bar.update(step, total, window, windows);
      });

  const std::filesystem::path out = options.out;
  const auto [clip, drawn] = finish::finish_clip(clips.front(), request.positive, request.seed, options.finishing);
  if (drawn.texture)
    std::cerr << "style texture: " << world::word(*drawn.texture) << " drawn (the model drew the clip in another style)\n";
  if (drawn.palette)
    std::cerr << "palette match: recoloured into " << world::word(*drawn.palette)
              << " (the model drew the clip in another palette)\n";
  if (drawn.reframe)
    std::cerr << "reframe: " << world::word(*drawn.reframe) << " drawn digitally (the model drew the clip static)\n";
  media::write_frame_pngs(out, clip);
  media::EncodeOptions encode;
  encode.fps = options.fps;
  encode.metadata = {{"title", "shotgen generate"},
                     {"shotgen_prompt", options.prompt},
                     {"shotgen_negative", options.negative},
                     {"shotgen_seed", std::to_string(options.seed)},
                     {"shotgen_model", model_dir.filename().string()}};
  if (drawn.texture) encode.metadata["shotgen_style_texture"] = std::string(world::word(*drawn.texture));
  if (drawn.palette) encode.metadata["shotgen_palette_match"] = std::string(world::word(*drawn.palette));
  if (drawn.reframe) encode.metadata["shotgen_reframed"] = std::string(world::word(*drawn.reframe));
  media::encode_mp4(out / "clip.mp4", clip, encode);
  if (guide && !options.guide_out.empty()) media::write_frame_pngs(options.guide_out, *guide);
  std::cout << "wrote " << clip.frame_count() << " frames (" << width << "x" << height << ") and clip.mp4 to "
            << out.string() << "\n";
}

}  // namespace

// --as-film: each option a new film (`shotgen init`: its [render] layout_guide, its [finish] passes
// at their default strengths) renders and finishes a take with, where the command line does not
// give it.
void take_new_film_settings(const CLI::App& sub, GenerateOptions& o) {
  const auto given = [&](const char* name) { return sub.count(name) > 0; };
  if (!given("--layout-guide")) o.layout_guide = film::kNewFilmLayoutGuide;
  if (!given("--deflicker")) o.finishing.deflicker = film::kDefaultDeflicker;
  if (!given("--style-texture")) o.finishing.style_texture = true;
  if (!given("--palette-match")) o.finishing.palette_match = true;
  if (!given("--reframe")) o.finishing.reframe = film::kDefaultReframeZoom;
}

void setup_generate(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<GenerateOptions>();
  CLI::App* sub = app.add_subcommand("generate", "Render one clip from a prompt (PNG frames + MP4), outside any project");
  sub->add_option("--prompt", options->prompt, "Positive prompt (weighting syntax: (term:1.3))")->required();
  sub->add_option("--negative", options->negative, "Negative prompt (replaces the unconditional branch)");
  sub->add_option("--seed", options->seed, "Noise seed")->capture_default_str()->check(seed_number());
  sub->add_option("--steps", options->steps, "Sampler steps")->capture_default_str();
  sub->add_option("--frames", options->frames, "Frames in the clip (longer than the model's window: generated in overlapping windows)")
      ->capture_default_str();
  sub->add_option("--size", options->size, "WxH, multiples of 16")->capture_default_str();
  sub->add_option("--out", options->out, "Output directory for frame_0000.png …")->required();
  sub->add_option("--guidance", options->guidance, "Guidance scale s")->capture_default_str();
  sub->add_option("--negative-scale", options->negative_scale,
                  "Separate negative strength n (three-branch guidance: v_unc + s(v_pos-v_unc) - n(v_neg-v_unc))");
  sub->add_option("--shift", options->shift, "Timestep shift (default: the model's sampling_shift)");
  sub->add_option("--sampler", options->sampler, "euler or heun")->capture_default_str();
  sub->add_option("--frame-noise-correlation", options->frame_noise_correlation,
                  "Share of the starting noise all frames have in common, in [0, 1) (0 = independent; default: "
                  "the model's frame_noise_correlation)");
  sub->add_option("--noise-follows-camera", options->noise_follows_camera,
                  "on/off: move the shared starting noise as the prompt's camera move asks (pan left, push in, ...; "
                  "default: the model's noise_follows_camera)");
  sub->add_option("--model", options->model, "Model directory (default: $SHOTGEN_MODEL_DIR or models/default)");
  sub->add_option("--device", options->device, "auto, cpu or cuda")->capture_default_str();
  sub->add_option("--fps", options->fps, "Frame rate of clip.mp4")
      ->capture_default_str()
      ->check(number_above(0, film::kMaxFps));
  sub->add_option("--deflicker", options->finishing.deflicker,
                  "Steady the clip's frame-to-frame shimmer with the finishing deflicker pass at this strength "
                  "(0 = the frames as the model drew them, 1 = as the demo film finishes its takes)")
      ->capture_default_str()
      ->check(number_in(0, 1));
  sub->add_option("--reframe", options->finishing.reframe,
                  "Where the prompt asks a camera move (push in, pan left, ...) and the model drew the clip static, "
                  "draw the move digitally with the finishing reframe: a crop window this many times smaller at "
                  "its tightest (1.05..2; 1.3 as a film's default)")
      ->check(number_in(film::kMinReframeZoom, film::kMaxReframeZoom));
  sub->add_flag("--style-texture", options->finishing.style_texture,
               "Where the prompt names a style (photorealistic, hand-painted, flat 2D animation) and the model drew "
               "the clip in another, draw that style's texture (grain, brushstrokes, flat fills and outlines) with "
               "the finishing style_texture");
  sub->add_flag("--palette-match", options->finishing.palette_match,
               "Where the prompt names a palette (monochrome, pastel, teal and orange, ...) and the model drew the "
               "clip in another, recolour it into that palette with the finishing palette_match (its brightness "
               "kept)");
  sub->add_option("--reference", options->references, "Reference image: PNG[:ignore=lighting,texture] (repeatable)");
  sub->add_option("--layout-guide", options->layout_guide,
                  "Start from the prompt's layout guide (the world's animatic of its figures, composition, lens and "
                  "camera move) with this share of the starting point (0 = pure noise; 0..0.5)")
      ->capture_default_str()
      ->check(number_in(0, film::kMaxLayoutGuide));
  sub->add_option("--guide-out", options->guide_out, "Also write the layout guide's frames to this directory")
      ->needs("--layout-guide");
  sub->add_flag("--as-film", options->as_film,
                "Sample and finish the clip as a new film (shotgen init) renders its takes: --layout-guide 0.4 "
                "--deflicker 1 --style-texture --palette-match --reframe 1.3; an option given explicitly wins");
  sub->callback([options, sub] {
    if (options->as_film) take_new_film_settings(*sub, *options);
    run_generate(*options);
  });
}

}  // namespace shotgen::cli
