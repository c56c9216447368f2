// The Slurm client commands: argument vectors without a shell, a clear error when a command is
// missing, and the parsing of what sbatch, squeue and sacct print.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/error.h"
#include "farm/slurm_commands.h"
#include "support/test_support.h"

namespace shotgen::farm {
namespace {

// Sets PATH for the lifetime of the object.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& path) : old_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", path.c_str(), 1);
  }
  ~ScopedPath() { ::setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

TEST(SlurmCommands, ArgumentsReachTheProgramUntouchedByAShell) {
  const std::vector<std::string> args{"a b", "$(touch /tmp/x)", "'quoted'; echo no", "*"};
  const auto result = run_command("printf", {"%s|%s|%s|%s", args[0], args[1], args[2], args[3]});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "a b|$(touch /tmp/x)|'quoted'; echo no|*");
  const auto failing = run_command("sh", {"-c", "echo oops >&2; exit 3"});
  EXPECT_EQ(failing.exit_code, 3);
  EXPECT_EQ(failing.err, "oops\n");
}

TEST(SlurmCommands, AMissingCommandIsAClearError) {
  shotgen::testing::TempDir empty;
  ScopedPath path(empty.path().string());
  SlurmScheduler slurm;
  try {
    slurm.submit_array({"--array=0-1", "job.sh"});
    FAIL() << "sbatch ran from an empty PATH";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "slurm-missing");
    EXPECT_NE(std::string(e.what()).find("'sbatch' is not on PATH"), std::string::npos) << e.what();
    EXPECT_NE(e.problem().fix.find("slurm-client"), std::string::npos);
  }
  EXPECT_THROW(slurm.tasks({"12"}), Error);
  EXPECT_THROW(slurm.cancel({"12"}), Error);
}

TEST(SlurmCommands, ParsesSbatchSqueueAndSacct) {
  EXPECT_EQ(parse_sbatch_job_id("4711\n"), "4711");
  EXPECT_EQ(parse_sbatch_job_id("4711;cluster\n"), "4711");
  EXPECT_THROW(parse_sbatch_job_id("sbatch: error: Batch job submission failed"), Error);

  // %F|%K: a range of tasks not started yet counts as one pending task per index (never as ended).
  const auto queued = parse_squeue_tasks(
      "12|0|RUNNING|None\n12|[3-5%2]|PENDING|JobArrayTaskLimit\n12|2|PENDING|JobArrayTaskLimit\n13|N/A|RUNNING|None\n");
  ASSERT_EQ(queued.size(), 5u);
  EXPECT_EQ(queued[0].job_id, "12");
  EXPECT_EQ(queued[0].index, 0);
  EXPECT_EQ(queued[0].state, "RUNNING");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(queued[1 + i].index, 3 + i);
    EXPECT_EQ(queued[1 + i].state, "PENDING");
  }
  EXPECT_EQ(queued[4].index, 2);
  EXPECT_EQ(queued[4].reason, "JobArrayTaskLimit");

  EXPECT_EQ(parse_array_indices("1,4-5"), (std::vector<int>{1, 4, 5}));
  EXPECT_EQ(parse_array_indices("0-6:3"), (std::vector<int>{0, 3, 6}));
  EXPECT_TRUE(parse_array_indices("N/A").empty());
  EXPECT_TRUE(parse_array_indices("(null)").empty());

  const auto accounted =
      parse_sacct_tasks("12_3|CANCELLED by 0|0:15\n12_[4-5]|PENDING|0:0\n12_1|COMPLETED|0:0\n12|FAILED|1:0\n");
  ASSERT_EQ(accounted.size(), 4u);
  EXPECT_EQ(accounted[0].index, 3);
  EXPECT_EQ(accounted[0].state, "CANCELLED");
  EXPECT_EQ(accounted[0].reason, "exit code 0:15");
  EXPECT_EQ(accounted[1].index, 4);
  EXPECT_EQ(accounted[2].index, 5);
  EXPECT_EQ(accounted[2].state, "PENDING");
  EXPECT_EQ(accounted[3].state, "COMPLETED");
}

TEST(SlurmCommands, ActiveStates) {
  for (const char* state : {"PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED"})
    EXPECT_TRUE(is_active_state(state)) << state;
  for (const char* state : {"COMPLETED", "CANCELLED", "FAILED", "NODE_FAIL", "TIMEOUT", "OUT_OF_MEMORY", "PREEMPTED"})
    EXPECT_FALSE(is_active_state(state)) << state;
}

}  // namespace
}  // namespace shotgen::farm
