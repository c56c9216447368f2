#pragma once
// The Slurm client commands shotgen runs — sbatch, squeue, sacct, scancel — each started with an
// argument vector (fork + execv; no shell ever parses a path, an option or a prompt), on the PATH
// of the submitting machine and with its environment (SLURM_CONF and the like pass through).
//
//   sbatch  --parsable ... SCRIPT                      → the job id
//   squeue  --me --noheader --array --states=all       → every task slurmctld still holds (active,
//           --format=%F|%K|%T|%r                         and ended ones for MinJobAge seconds)
//   sacct   --noheader --parsable2 --allocations       → ended tasks from accounting; a cluster
//           --jobs=... --format=JobID,State,ExitCode     without accounting storage is not an error
//   scancel JOB...
#include <string>
#include <vector>

#include "farm/scheduler.h"

namespace shotgen::farm {

struct CommandOutput {
  int exit_code = 0;  // 128 + signal when killed by one
  std::string out;
  std::string err;
};

// Runs `program` (found on PATH unless it contains a '/') with `args` and waits for it, capturing
// both streams. Throws shotgen::Error (kind "slurm-missing") when the program is not found.
CommandOutput run_command(const std::string& program, const std::vector<std::string>& args);

// The job id in sbatch --parsable output ("123" or "123;cluster"). Throws when there is none.
std::string parse_sbatch_job_id(const std::string& output);
// The indices of a Slurm array index expression: "7", "[3-7%2]", "1,4-5", "0-10:2"; empty when it
// is none ("N/A").
std::vector<int> parse_array_indices(const std::string& text);
// Lines "ARRAY_JOB_ID|INDEX|STATE|REASON" (squeue --format=%F|%K|%T|%r); an index range (tasks
// not started yet) gives one task per index; lines of non-array jobs are skipped.
std::vector<SchedulerTask> parse_squeue_tasks(const std::string& output);
// Lines "JOBID_INDEX|STATE|EXITCODE" (sacct --parsable2; INDEX may be a range as above);
// "CANCELLED by 0" becomes CANCELLED.
std::vector<SchedulerTask> parse_sacct_tasks(const std::string& output);

class SlurmScheduler : public Scheduler {
 public:
  // sbatch, squeue and scancel must be on PATH (kind NotFound, code "slurm-missing").
  void check_available() override;
  std::string submit_array(const std::vector<std::string>& sbatch_args) override;
  std::vector<SchedulerTask> tasks(const std::vector<std::string>& job_ids) override;
  void cancel(const std::vector<std::string>& job_ids) override;
};

}  // namespace shotgen::farm
