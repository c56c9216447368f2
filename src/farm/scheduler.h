#pragma once
// What the farm needs of a batch scheduler: submit one job array, tell what became of its tasks,
// cancel it. SlurmScheduler (farm/slurm_commands.h) is the real one; tests of the submitter and
// the collector give their own.
#include <optional>
#include <string>
#include <vector>

namespace shotgen::farm {

// One array task as the scheduler knows it.
struct SchedulerTask {
  std::string job_id;  // the array's Slurm job id
  int index = 0;       // the array index
  std::string state;   // Slurm's state: PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, NODE_FAIL, ...
  std::string reason;  // Slurm's reason or exit code, when it gives one
};

// Whether a task in `state` may still run or write its result (pending, running, completing, ...).
bool is_active_state(const std::string& state);

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Throws shotgen::Error when submitting cannot work here at all (the client commands are not
  // installed), so `farm submit` refuses before it changes anything. The default checks nothing.
  virtual void check_available() {}
  // Submits a job array with these sbatch arguments (batch script last); returns its job id.
  virtual std::string submit_array(const std::vector<std::string>& sbatch_args) = 0;
  // Every task of `job_ids` the scheduler still knows, active or ended. A task it does not list
  // ended long ago (or never existed).
  virtual std::vector<SchedulerTask> tasks(const std::vector<std::string>& job_ids) = 0;
  // Cancels every task of `job_ids`.
  virtual void cancel(const std::vector<std::string>& job_ids) = 0;
};

}  // namespace shotgen::farm
