#include "farm/worker.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "analyze/clip_analysis.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "db/database.h"
#include "farm/farm_error.h"
#include "farm/manifest.h"
#include "farm/shared_folder.h"
#include "media/png.h"
#include "media/resize.h"
#include "media/video_encoder.h"
#include "render/blank_frames.h"
#include "render/generation_parameters.h"
#include "render/render_runner.h"
#include "render/reroute.h"
#include "render/take_tags.h"

namespace fs = std::filesystem;

namespace shotgen::farm {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::optional<int> whole_number(const char* text) {
  if (!text || !*text) return std::nullopt;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0 || value > 1'000'000'000) return std::nullopt;
  return static_cast<int>(value);
}

render::JobSpec job_spec(const SharedFolder& folder, const ManifestEntry& entry, const std::string& where) {
  render::JobSpec spec;
  spec.job_id = entry.id;
  spec.shot_id = entry.shot_id;
  spec.take_index = entry.take_index;
  spec.positive = entry.positive;
  spec.negative = entry.negative;
  spec.seed = entry.seed;
  spec.params = render::RenderParams::from_json(entry.params_json);
  for (const auto& reference : entry.references) {
    const fs::path file = folder.file(reference.file);
    if (sha256_hex(read_file(file)) != reference.sha256)
      throw Error(ErrorKind::Corrupt, "reference image " + reference.file + " does not match its hash", where,
                  "run `shotgen farm submit` again to copy the references afresh");
    spec.references.push_back({media::read_png(file), reference.ignore});
  }
  return spec;
}

// The take's re-route reason as a local render records it: the negative's miss, and when the
// shot's route has no further backend, that the take was kept.
std::string reroute_reason(const ManifestEntry& entry, const TaskResult& result) {
  if (!result.negative_miss) return {};
  return entry.on_reject ? *result.negative_miss
                         : *result.negative_miss + "; no further backend on the shot's route, take kept";
}

}  // namespace

db::TakeRecord provisional_take(const ManifestEntry& entry, const TaskResult& result) {
  db::TakeRecord take;
  take.shot_id = entry.shot_id;
  take.take_index = entry.take_index;
  take.take_number = 0;
  take.job_id = entry.id;
  take.positive = entry.positive;
  take.negative = entry.negative;
  take.seed = entry.seed;
  take.backend = entry.backend;
  take.model = result.model;
  take.params_json = entry.params_json;
  take.prompt_hash = entry.prompt_hash;
  take.status = result.negative_miss && entry.on_reject ? db::TakeStatus::Rejected : db::TakeStatus::Done;
  take.reroute_reason = reroute_reason(entry, result);
  take.timings_json = result.timings.dump();
  take.analysis_json = result.analysis.dump();
  take.created_at = result.started_at;
  return take;
}

namespace {

// Renders jobs[position] and writes its take files and then its record.
TaskResult work_on_job(const Manifest& manifest, std::size_t position, const SharedFolder& folder,
                       render::BackendRegistry& registry, const WorkContext& context) {
  const auto start = Clock::now();
  const ManifestEntry& entry = manifest.jobs[position];
  const std::string where = entry_label(manifest, position);

  TaskResult result;
  result.manifest_id = manifest.id;
  result.job_id = entry.id;
  result.run = context.run;
  result.host = context.host;
  result.started_at = db::now_timestamp();
  bool retryable = false;  // until the node is known to hold the model the job was planned with
  try {
    render::Backend& backend = registry.get(entry.backend);
    const render::JobSpec spec = job_spec(folder, entry, where);
    const std::string node_model = backend.params(film::RenderSettings{}, spec.params.frames).model;
    if (node_model != spec.params.model)
      throw farm_error(ErrorKind::ModelFailure, "model-mismatch",
                       "this node's model is " + node_model + ", the job was planned with " + spec.params.model, where,
                       "give the nodes the submitting machine's model (farm submit --model DIR, or farm work --model)");
    retryable = true;

    const auto render_start = Clock::now();
    auto clips = backend.render({spec}, {}, nullptr);
    const double model_seconds = seconds_since(render_start);
    if (clips.size() != 1 || clips.front().frames.empty())
      throw Error(ErrorKind::ModelFailure, "backend '" + entry.backend + "' returned no clip", where);
    const Clip& clip = clips.front();
    // No picture: the same job would fail the same way anywhere (as in a local render).
    if (auto blank = render::blank_frames_problem(clip, "backend '" + entry.backend + "'")) {
      retryable = false;
      throw Error(*blank);
    }
    // The take's one analysis, and the re-route check that reads it (as a local render does).
    const auto analysis = analyze::analyze_clip(clip);
    result.analysis = analyze::to_json(analysis);
    if (render::has_measurable_negative(entry.negative_terms))
      result.negative_miss = render::negative_miss(entry.negative_terms, analysis);

    const auto encode_start = Clock::now();
    result.mp4 = entry.output + "." + context.run + ".mp4";
    result.poster = entry.output + "." + context.run + ".png";
    result.model = node_model;
    result.device = context.device ? context.device() : "unknown";
    result.timings = {{"model_s", model_seconds}};
    // The node's file carries the take's tags as far as they are known here; its take number (0
    // here, so no adoption ever takes the file as it is) is given by `farm collect`, which
    // writes the take into the workspace with the final record's tags.
    const db::TakeRecord provisional = provisional_take(entry, result);
    const render::RenderOptions defaults;  // the x264 settings of a local render
    media::EncodeOptions encode;
    encode.fps = manifest.film.fps;
    encode.out_width = manifest.film.width;
    encode.out_height = manifest.film.height;
    encode.crf = defaults.crf;
    encode.preset = defaults.x264_preset;
    encode.metadata = render::take_tags(provisional, manifest.film.title);
    media::encode_mp4(folder.file(result.mp4), clip, encode);
    media::write_png(folder.file(result.poster),
                     media::resize_image(clip.frames[clip.frames.size() / 2], manifest.film.width, manifest.film.height),
                     {{"parameters", render::a1111_parameters(provisional)}});
    result.mp4_sha256 = sha256_hex(read_file(folder.file(result.mp4)));
    result.poster_sha256 = sha256_hex(read_file(folder.file(result.poster)));
    result.timings["encode_s"] = seconds_since(encode_start);
    result.timings["total_s"] = seconds_since(start);
    result.outcome = TaskOutcome::Done;
  } catch (const std::exception& e) {
    result.outcome = TaskOutcome::Failed;
    result.reason = e.what();
    result.retryable = retryable;
    std::error_code ec;  // a failed task leaves no take file behind
    if (!result.mp4.empty()) fs::remove(folder.file(result.mp4), ec);
    if (!result.poster.empty()) fs::remove(folder.file(result.poster), ec);
    result.mp4.clear();
    result.poster.clear();
  }
  result.finished_at = db::now_timestamp();
  write_task_result(folder, result);
  return result;
}

}  // namespace

std::vector<TaskResult> work_on_task(const fs::path& manifest_path, int index, render::BackendRegistry& registry,
                                     const WorkContext& context) {
  const Manifest manifest = load_manifest(manifest_path);
  const int tasks = manifest.task_count();
  if (index < 0 || index >= tasks)
    throw farm_error(ErrorKind::OutOfRange, "index-out-of-range",
                     "array index " + std::to_string(index) + " is outside the manifest's " + std::to_string(tasks) +
                         " task(s)",
                     manifest_path.string(), "pass an index from 0 to " + std::to_string(tasks - 1));
  const SharedFolder folder = SharedFolder::of_manifest(manifest_path);
  std::vector<TaskResult> results;
  const auto [first, last] = manifest.jobs_of_task(index);
  for (std::size_t position = first; position < last; ++position)
    results.push_back(work_on_job(manifest, position, folder, registry, context));
  return results;
}

std::optional<int> array_index_from_environment() { return whole_number(std::getenv("SLURM_ARRAY_TASK_ID")); }

std::string run_from_environment(int index) {
  const auto array_job = whole_number(std::getenv("SLURM_ARRAY_JOB_ID"));
  if (array_job) return run_name(std::to_string(*array_job), index);
  return "local-" + this_host() + "-" + std::to_string(::getpid());
}

std::string this_host() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) return "localhost";
  return buffer;
}

}  // namespace shotgen::farm
