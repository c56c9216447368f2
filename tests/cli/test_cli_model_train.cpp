// shotgen model train as a user stops it: kill (TERM) finishes the step, checkpoints and exits 0.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using namespace shotgen::testing;

TEST(ModelTrainCli, TermFinishesTheStepCheckpointsAndExitsCleanly) {
  TempDir dir;
  const auto out = dir.path() / "run";
  // A tiny model with an hour's budget: only the signal ends it.
  const BoundedResult run = run_shotgen_within(
      {"model", "train", "--out", out.string(), "--minutes", "60", "--batch", "1", "--frames", "2", "--width", "32",
       "--depth", "1", "--heads", "2", "--patch", "4", "--text-width", "16", "--text-depth", "1", "--text-heads", "2",
       "--window", "4", "--sizes", "32x16", "--threads", "1", "--device", "cpu", "--no-export", "--log-every", "1"},
      8.0);
  EXPECT_TRUE(run.needed_term);
  EXPECT_FALSE(run.needed_kill);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("stopped by request"), std::string::npos) << run.out;
  const auto state = nlohmann::json::parse(read_text(out / "checkpoint" / "state.json"));
  EXPECT_GE(state.at("step").get<int>(), 1);
  EXPECT_FALSE(std::filesystem::exists(out / "checkpoint.tmp"));
}
