#pragma once
// `shotgen farm cancel`: scancel of every job array of the workspace that collect has not settled
// yet. The arrays are marked cancelled in the farm record, so their tasks that end without a result
// are not counted as failures of their jobs (which stay queued); takes that finished before the
// cancel are still collected.
#include <filesystem>
#include <string>
#include <vector>

#include "farm/scheduler.h"

namespace shotgen::farm {

// Returns the Slurm job ids cancelled (empty when nothing was open).
std::vector<std::string> cancel_farm_runs(const std::filesystem::path& workspace_root, Scheduler& scheduler);

}  // namespace shotgen::farm
