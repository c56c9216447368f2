#include "farm/submitter.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "farm/farm_error.h"
#include "farm/farm_state.h"
#include "farm/farm_view.h"
#include "farm/manifest.h"
#include "farm/shared_folder.h"
#include "film/film_loader.h"
#include "film/reference_image.h"
#include "film/workspace.h"
#include "media/png.h"
#include "prompt/assembler.h"
#include "render/job_planner.h"
#include "render/job_queue.h"
#include "render/router.h"

namespace fs = std::filesystem;

namespace shotgen::farm {
namespace {

// 'text' for sh, whatever it holds.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool has_selection(const render::RenderRequest& plan) { return plan.all || plan.scene || !plan.shots.empty(); }

// The shots a selection names (every shot for --all).
std::set<std::string> selected_shots(const film::Film& film, const render::RenderRequest& plan) {
  std::set<std::string> shots(plan.shots.begin(), plan.shots.end());
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots)
      if (plan.all || scene.id == plan.scene) shots.insert(shot.id);
  return shots;
}

// Queued jobs, in story order (scene, shot, take), as a local render runs them.
std::vector<render::Job> queued_in_story_order(const film::Film& film, const render::JobQueue& queue) {
  std::map<std::string, int> order;
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots) order.emplace(shot.id, static_cast<int>(order.size()));
  auto jobs = queue.list(render::JobState::Queued);
  const auto position = [&](const render::Job& job) {
    const auto it = order.find(job.shot_id);
    return it == order.end() ? static_cast<int>(order.size()) : it->second;
  };
  std::stable_sort(jobs.begin(), jobs.end(), [&](const render::Job& a, const render::Job& b) {
    return position(a) != position(b) ? position(a) < position(b) : a.take_index < b.take_index;
  });
  return jobs;
}

// Copies the image into references/<sha256>.png of the shared folder (once per content).
ManifestReference share_reference(const SharedFolder& folder, const fs::path& image,
                                  const std::vector<std::string>& ignore) {
  std::error_code ec;
  if (!fs::is_regular_file(image, ec))
    throw Error(ErrorKind::NotARegularFile, "the reference image is not a regular file", image.string(),
                "point the reference at a PNG file");
  if (fs::file_size(image, ec) > media::kMaxPngFileBytes)
    throw Error(ErrorKind::TooLarge,
                "the reference image is larger than " + std::to_string(media::kMaxPngFileBytes >> 20) + " MiB", image.string(),
                "use a smaller PNG");
  const std::string bytes = read_file(image);
  const std::string sha = sha256_hex(bytes);
  const std::string relative = "references/" + sha + ".png";
  if (!fs::exists(folder.file(relative))) write_file_atomic(folder.file(relative), bytes);
  return {relative, sha, ignore};
}

// The manifest entry of a queued job; nullopt when the job is stale (its shot is gone or its
// prompt no longer hashes to the job's: the film changed since it was queued).
std::optional<ManifestEntry> entry_for(const render::Job& job, const film::Film& film, const fs::path& root,
                                       const render::RenderRequest& plan, render::BackendRegistry& registry,
                                       const SharedFolder& folder) {
  const film::Shot* shot = film.find_shot(job.shot_id);
  if (!shot || !registry.has(job.backend)) return std::nullopt;
  const render::Backend& backend = registry.get(job.backend);
  const auto prompt = prompt::assemble_prompt(film, *shot, backend.caps());
  if (prompt::generation_hash(prompt, job.backend, job.params_json, job.seed) != job.prompt_hash) return std::nullopt;
  ManifestEntry entry;
  entry.id = job.id;
  entry.shot_id = job.shot_id;
  entry.take_index = job.take_index;
  entry.backend = job.backend;
  entry.params_json = job.params_json;
  entry.seed = job.seed;
  entry.prompt_hash = job.prompt_hash;
  entry.positive = prompt.positive();
  entry.negative = prompt.negative();
  entry.negative_terms = prompt.negative_terms();
  for (const auto& id : shot->references) {
    const film::Reference* reference = film.find_reference(id);
    if (!reference)
      throw Error(ErrorKind::NotFound, "unknown reference '" + id + "'", "shot " + shot->id,
                  "define it in [[references]]");
    entry.references.push_back(
        share_reference(folder, film::resolve_reference_image(root, film, *reference).value(), reference->ignore));
  }
  entry.output = "takes/" + job.id;
  // The re-route: where the take goes when its negative does not bite, as a local render decides.
  const auto route = render::route_shot(film, *shot, plan.mode, plan.backend, registry.caps());
  const auto here = std::find(route.backends.begin(), route.backends.end(), job.backend);
  if (here != route.backends.end() && here + 1 != route.backends.end()) {
    const auto next = render::job_for(film, *shot, job.take_index, job.seed, registry.get(*(here + 1)));
    entry.on_reject = RerouteJob{next.backend, next.params_json, next.prompt_hash};
  }
  return entry;
}

std::vector<std::string> sbatch_arguments(const SubmitOptions& options, const SharedFolder& folder,
                                          const fs::path& script, int tasks) {
  std::string array = "--array=0-" + std::to_string(tasks - 1);
  if (options.max_parallel) array += "%" + std::to_string(*options.max_parallel);
  std::vector<std::string> args{array, "--job-name=shotgen-farm", "--ntasks=1",
                                "--output=" + folder.log_pattern().string(), "--chdir=" + folder.root().string()};
  if (options.partition) args.push_back("--partition=" + *options.partition);
  if (options.gpus_per_task) args.push_back("--gpus-per-task=" + std::to_string(*options.gpus_per_task));
  if (options.cpus_per_task) args.push_back("--cpus-per-task=" + std::to_string(*options.cpus_per_task));
  args.insert(args.end(), options.sbatch_args.begin(), options.sbatch_args.end());
  args.push_back(script.string());
  return args;
}

bool has_open_submissions(const FarmState& state) {
  return std::any_of(state.submissions.begin(), state.submissions.end(),
                     [](const Submission& s) { return !s.finished(); });
}

}  // namespace

int SubmitReport::submitted() const {
  int total = 0;
  for (const auto& array : arrays) total += array.jobs;
  return total;
}

std::string batch_script(const fs::path& binary, const fs::path& manifest_path, const Manifest& manifest) {
  const std::string per_task =
      manifest.jobs_per_task == 1 ? "one job" : "up to " + std::to_string(manifest.jobs_per_task) + " jobs";
  return "#!/bin/sh\n"
         "# shotgen farm: each array task renders " +
         per_task + " of manifest " + manifest.id.substr(0, 12) + " (" + std::to_string(manifest.jobs.size()) +
         " jobs).\n"
         "# Written by `shotgen farm submit`; the nodes need this shotgen binary and the shared folder.\n"
         "if [ -z \"${SHOTGEN_THREADS:-}\" ] && [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then\n"
         "  SHOTGEN_THREADS=\"$SLURM_CPUS_PER_TASK\"; export SHOTGEN_THREADS\n"
         "fi\n"
         "exec " +
         shell_quoted(binary.string()) + " farm work " + shell_quoted(manifest_path.string()) + "\n";
}

SubmitReport submit_to_farm(const fs::path& workspace_root, const SubmitOptions& options,
                            render::BackendRegistry& registry, Scheduler& scheduler) {
  if (options.max_array_size < 1)
    throw farm_error(ErrorKind::OutOfRange, "out-of-range", "the array size limit must be at least 1",
                     "--max-array-size", "pass 1 or more");
  if (options.jobs_per_task < 1)
    throw farm_error(ErrorKind::OutOfRange, "out-of-range", "jobs per task must be at least 1", "--jobs-per-task",
                     "pass 1 or more");
  const auto workspace = film::Workspace::open(workspace_root);
  if (!options.dry_run) scheduler.check_available();  // before anything is planned or written
  render::RenderRequest plan = options.plan;
  plan.plan_only = true;
  render::render_shots(workspace.root(), plan, registry, nullptr, nullptr);

  // The farm record first: the shared folder is marked with the workspace id it holds.
  const auto previous = load_farm_state(workspace.root());
  FarmState state = previous.value_or(FarmState{new_workspace_id(), {}, {}});
  const fs::path shared =
      fs::absolute(options.shared_dir.empty() ? (previous ? previous->shared_dir : workspace.root() / "farm")
                                              : options.shared_dir)
          .lexically_normal();
  if (previous && shared != previous->shared_dir && has_open_submissions(*previous))
    throw farm_error(ErrorKind::General, "shared-folder-in-use",
                     "this workspace has farm runs in " + previous->shared_dir.string() + " that are not collected yet",
                     "--shared " + shared.string(),
                     "collect them first (`shotgen farm collect`), or cancel them (`shotgen farm cancel`)");
  state.shared_dir = shared;
  if (!previous || !(state == *previous)) save_farm_state(workspace.root(), state);
  const SharedFolder folder = SharedFolder::prepare(shared, state.workspace_id);

  std::set<std::string> on_farm;
  if (has_open_submissions(state)) {
    const FarmView view = view_farm(workspace.root(), scheduler, /*settled_too=*/false,
                                    /*tolerate_scheduler_failure=*/options.dry_run);
    for (const auto& task : view.tasks)
      if (task.phase == TaskPhase::Active || task.phase == TaskPhase::Finishing ||
          (task.record && task.record->outcome == TaskOutcome::Done))
        on_farm.insert(task.entry.id);
  }

  const auto film = film::load_film_file(workspace.film_toml());
  auto db = db::open_project_database(workspace.database());
  const db::ProjectStore store(db);
  const render::JobQueue queue(db);
  SubmitReport report;
  report.shared_dir = shared;
  const auto wanted = selected_shots(film, plan);
  std::vector<ManifestEntry> entries;
  for (const auto& job : queued_in_story_order(film, queue)) {
    if (has_selection(plan) && !wanted.count(job.shot_id)) continue;
    ++report.queued;
    if (on_farm.count(job.id)) {
      ++report.on_farm;
      continue;
    }
    if (auto entry = entry_for(job, film, workspace.root(), plan, registry, folder))
      entries.push_back(std::move(*entry));
    else
      ++report.stale;
  }

  Manifest base;
  base.workspace_id = state.workspace_id;
  base.created_at = db::now_timestamp();
  base.style_revision_id = store.current_style_revision().id;
  base.negative_revision_id = store.current_negative_revision().id;
  base.film = {film.info.title, film.info.fps, film.info.resolution.width, film.info.resolution.height};
  base.model_dir = fs::absolute(options.model_dir).lexically_normal().string();
  base.jobs_per_task = options.jobs_per_task;
  const std::size_t jobs_per_array =
      static_cast<std::size_t>(options.max_array_size) * static_cast<std::size_t>(options.jobs_per_task);
  for (std::size_t first = 0; first < entries.size(); first += jobs_per_array) {
    Manifest manifest = base;
    const auto last = std::min(entries.size(), first + jobs_per_array);
    manifest.jobs.assign(entries.begin() + first, entries.begin() + last);
    manifest.seal();
    SubmittedArray array;
    array.manifest_id = manifest.id;
    array.manifest = folder.manifest(manifest.id);
    array.script = folder.batch_script(manifest.id);
    array.tasks = manifest.task_count();
    array.jobs = static_cast<int>(manifest.jobs.size());
    array.sbatch_args = sbatch_arguments(options, folder, array.script, array.tasks);
    write_manifest(array.manifest, manifest);
    write_file_atomic(array.script, batch_script(options.binary, array.manifest, manifest));
    if (!options.dry_run) {
      try {
        array.slurm_job_id = scheduler.submit_array(array.sbatch_args);
      } catch (...) {
        std::error_code ec;  // nothing of a refused array stays behind
        fs::remove(array.manifest, ec);
        fs::remove(array.script, ec);
        throw;
      }
      state.submissions.push_back(
          {manifest.id, array.slurm_job_id, array.tasks, db::now_timestamp(), false, {}, array.jobs});
      save_farm_state(workspace.root(), state);
    }
    report.arrays.push_back(std::move(array));
  }
  return report;
}

}  // namespace shotgen::farm
