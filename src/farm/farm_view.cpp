#include "farm/farm_view.h"

#include "core/error.h"
#include "farm/farm_error.h"

namespace shotgen::farm {
namespace {

// The manifest of `submission`, refused unless it is intact, the one the workspace submitted and
// written by this workspace.
Manifest submitted_manifest(const SharedFolder& folder, const FarmState& state, const Submission& submission) {
  const auto path = folder.manifest(submission.manifest_id);
  Manifest manifest = load_manifest(path);
  if (manifest.id != submission.manifest_id || static_cast<int>(manifest.jobs.size()) != submission.jobs ||
      manifest.task_count() != submission.tasks)
    throw farm_error(ErrorKind::Corrupt, "manifest-tampered",
                     "the manifest is not the one submitted as Slurm job " + submission.slurm_job_id, path.string(),
                     "restore the file `shotgen farm submit` wrote, or cancel the job with `shotgen farm cancel`");
  if (manifest.workspace_id != state.workspace_id)
    throw farm_error(ErrorKind::General, "manifest-other-workspace",
                     "the manifest was written by another workspace (" + manifest.workspace_id + ", this one is " +
                         state.workspace_id + ")",
                     path.string(), "collect it in the workspace that submitted it");
  return manifest;
}

TaskPhase phase_of(const TaskView& task, bool scheduler_known) {
  if (task.record) return TaskPhase::Recorded;
  if (!scheduler_known) return TaskPhase::Unknown;
  if (task.scheduler && is_active_state(task.scheduler->state)) return TaskPhase::Active;
  // A task exits 0 only after writing its record (farm/worker.h).
  if (task.scheduler && task.scheduler->state == "COMPLETED") return TaskPhase::Finishing;
  return TaskPhase::Ended;
}

}  // namespace

std::string_view task_phase_name(TaskPhase phase) {
  switch (phase) {
    case TaskPhase::Recorded: return "recorded";
    case TaskPhase::Active: return "active";
    case TaskPhase::Finishing: return "finishing";
    case TaskPhase::Ended: return "ended";
    case TaskPhase::Unknown: return "unknown";
  }
  return "unknown";
}

FarmView view_farm(const std::filesystem::path& workspace_root, Scheduler& scheduler, bool settled_too,
                   bool tolerate_scheduler_failure) {
  FarmState state = require_farm_state(workspace_root);
  FarmView view{state, SharedFolder::open(state.shared_dir, state.workspace_id), {}, {}, std::nullopt};

  std::vector<std::string> job_ids;
  for (const auto& submission : state.submissions)
    if (settled_too || !submission.finished()) job_ids.push_back(submission.slurm_job_id);
  std::map<std::pair<std::string, int>, SchedulerTask> known;
  try {
    for (auto& task : scheduler.tasks(job_ids)) known[{task.job_id, task.index}] = task;
  } catch (const Error& e) {
    if (!tolerate_scheduler_failure) throw;
    view.scheduler_problem = e.what();
  }

  for (std::size_t s = 0; s < state.submissions.size(); ++s) {
    const Submission& submission = state.submissions[s];
    if (!settled_too && submission.finished()) continue;
    const Manifest& manifest =
        view.manifests.emplace(submission.manifest_id, submitted_manifest(view.folder, state, submission))
            .first->second;
    for (std::size_t position = 0; position < manifest.jobs.size(); ++position) {
      TaskView task;
      task.submission = s;
      task.index = manifest.task_of_job(position);
      task.position = position;
      task.run = run_name(submission.slurm_job_id, task.index);
      task.entry = manifest.jobs[position];
      task.settled = submission.settled.count(static_cast<int>(position)) > 0;
      if (!settled_too && task.settled) continue;
      if (auto it = known.find({submission.slurm_job_id, task.index}); it != known.end()) task.scheduler = it->second;
      task.record = read_task_result(view.folder, task.entry.id, task.run);
      if (task.record && (task.record->manifest_id != manifest.id || task.record->job_id != task.entry.id))
        throw farm_error(ErrorKind::Corrupt, "result-invalid",
                         "the record does not belong to task " + task.run + " of manifest " + manifest.id.substr(0, 12),
                         view.folder.result(task.entry.id, task.run).string(),
                         "delete the record; the task is then judged again");
      task.phase = phase_of(task, !view.scheduler_problem);
      view.tasks.push_back(std::move(task));
    }
  }
  return view;
}

}  // namespace shotgen::farm
