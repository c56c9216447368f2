#pragma once
// What is known of a workspace's farm tasks: its farm record, the manifests in the shared folder
// (verified: edited ones and other workspaces' are refused), what the scheduler says of each
// array task and the task's result record. Submit, status and collect all start from it.
//
// The scheduler is asked BEFORE the records are read: a task writes its record before it exits,
// so a task the scheduler no longer calls active and that has no record by then never will.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "farm/farm_state.h"
#include "farm/manifest.h"
#include "farm/scheduler.h"
#include "farm/shared_folder.h"
#include "farm/task_result.h"

namespace shotgen::farm {

enum class TaskPhase {
  Recorded,   // its result record is there
  Active,     // pending or running (the scheduler says so)
  Finishing,  // the scheduler says COMPLETED but the record is not visible yet (a network
              // filesystem's cache): it is waited for, never judged lost
  Ended,      // ended without a record (cancelled, killed, node failure, time limit, forgotten)
  Unknown,    // no record and the scheduler could not be asked
};
std::string_view task_phase_name(TaskPhase phase);  // "recorded", "active", ...

// One job of an array task (a task renders one job, or several with --jobs-per-task; each job has
// its own record, so a task killed after some of its jobs keeps those).
struct TaskView {
  std::size_t submission = 0;  // index into FarmView::state.submissions
  int index = 0;               // array index
  std::size_t position = 0;    // the job's position in the manifest (a task renders one or more)
  std::string run;             // "<slurm job id>_<index>"
  ManifestEntry entry;
  bool settled = false;  // collect has applied its outcome
  std::optional<SchedulerTask> scheduler;
  std::optional<TaskResult> record;
  TaskPhase phase = TaskPhase::Unknown;
};

struct FarmView {
  FarmState state;
  SharedFolder folder;
  std::map<std::string, Manifest> manifests;     // by manifest id
  std::vector<TaskView> tasks;                   // submission order, then job position
  std::optional<std::string> scheduler_problem;  // why the scheduler could not be asked
};

// The view of every task (`settled_too`) or of those collect has not settled yet. Scheduler
// failures are kept in scheduler_problem when `tolerate_scheduler_failure`, else thrown.
// Throws shotgen::Error for a refused manifest: kind "manifest-tampered" / "manifest-invalid",
// or "manifest-other-workspace".
FarmView view_farm(const std::filesystem::path& workspace_root, Scheduler& scheduler, bool settled_too,
                   bool tolerate_scheduler_failure);

}  // namespace shotgen::farm
