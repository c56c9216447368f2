#pragma once
// `shotgen farm status`: every task of the workspace's farm runs, from the scheduler (squeue and
// sacct), the result records in the shared folder and the project database (read only). It
// writes nothing.
//
// A task's state:
//   pending, running, ...  Slurm's state, lower-cased, while the task is active
//   finishing              Slurm says completed; its record is not visible here yet
//   finished               a take is waiting for `farm collect`
//   collected              its take is in the project database
//   skipped                collect left it: its job was no longer queued (detail says why)
//   failed                 the node's reason
//   lost                   ended without a result (detail: Slurm's state and the log's last line)
//   ended                  ended without a result; the next collect records it as lost
//   unknown                no record and the scheduler could not be asked
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "farm/scheduler.h"

namespace shotgen::farm {

struct TaskStatus {
  std::string run;  // "<slurm job id>_<index>"
  std::string job_id;
  std::string shot_id;
  int take = 0;  // 1-based
  std::string state;
  std::string detail;
  bool active = false;  // may still change without `farm collect`: active in Slurm or finishing
};

struct SubmissionStatus {
  std::string slurm_job_id;
  std::string manifest_id;
  std::string submitted_at;
  int tasks = 0;
  bool cancelled = false;
  std::map<std::string, int> states;  // task count per state
};

struct FarmStatus {
  std::filesystem::path shared_dir;
  std::vector<SubmissionStatus> submissions;
  std::vector<TaskStatus> tasks;
  std::map<std::string, int> states;  // over every task
  std::optional<std::string> scheduler_problem;
  int active() const;  // tasks that are active
};

FarmStatus farm_status(const std::filesystem::path& workspace_root, Scheduler& scheduler);
nlohmann::json to_json(const FarmStatus& status);

}  // namespace shotgen::farm
