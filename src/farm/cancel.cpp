#include "farm/cancel.h"

#include "farm/farm_state.h"
#include "film/workspace.h"

namespace shotgen::farm {

std::vector<std::string> cancel_farm_runs(const std::filesystem::path& workspace_root, Scheduler& scheduler) {
  const auto workspace = film::Workspace::open(workspace_root);
  FarmState state = require_farm_state(workspace.root());
  std::vector<std::string> job_ids;
  for (auto& submission : state.submissions)
    if (!submission.finished() && !submission.cancelled) {
      job_ids.push_back(submission.slurm_job_id);
      submission.cancelled = true;
    }
  if (job_ids.empty()) return job_ids;
  scheduler.cancel(job_ids);  // first: a refused scancel leaves the record as it was
  save_farm_state(workspace.root(), state);
  return job_ids;
}

}  // namespace shotgen::farm
