// shotgen model train as a user stops it (kill: TERM finishes the step, checkpoints and exits 0)
// and as a full disk stops it (the last checkpoint survives whole; resume continues).
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

// In the namespace: a tiny model trains 2 steps on a 4 MiB tmpfs, the disk is filled, resuming to
// step 4 meets the full disk at its checkpoint; then the space is freed and it resumes again.
const char* const kFullDiskScript = R"(
set -u
MNT="$1"; SHOTGEN="$2"; OUT="$3"
mount -t tmpfs -o size=4m tmpfs "$MNT" || exit 90
train() {
  "$SHOTGEN" model train --out "$MNT/run" --batch 1 --frames 2 --width 32 --depth 1 --heads 2 --patch 4 \
    --text-width 16 --text-depth 1 --text-heads 2 --window 4 --sizes 32x16 --threads 1 --device cpu \
    --no-export --log-every 1 "$@"
}
train --steps 2 > "$OUT/setup.out" 2>&1 || exit 91
avail=$(df -k --output=avail "$MNT" | tail -n 1)
head -c $(( avail * 1024 )) /dev/zero > "$MNT/filler" 2>/dev/null
train --resume --steps 4 > "$OUT/first.out" 2> "$OUT/first.err"; echo $? > "$OUT/first.rc"
rm -f "$MNT/filler"
mkdir -p "$OUT/after_full" && cp -a "$MNT/run/." "$OUT/after_full/"
train --resume --steps 4 > "$OUT/second.out" 2> "$OUT/second.err"; echo $? > "$OUT/second.rc"
mkdir -p "$OUT/after_rerun" && cp -a "$MNT/run/." "$OUT/after_rerun/"
)";

TEST(ModelTrainCli, AFullDiskKeepsTheLastCheckpointWholeAndResumeContinues) {
  TempDir dir;
  const auto mount_point = dir.path() / "mnt", out = dir.path() / "out";
  std::filesystem::create_directories(mount_point);
  std::filesystem::create_directories(out);
  const auto run = run_in_mount_namespace(kFullDiskScript, {mount_point.string(), SHOTGEN_BINARY, out.string()});
  if (!run) GTEST_SKIP() << "unshare -rm is not permitted here (no user namespaces)";
  ASSERT_EQ(run->exit_code, 0) << run->err << read_text(out / "setup.out");

  const std::string first_err = read_text(out / "first.err");
  EXPECT_NE(read_text(out / "first.rc"), "0\n");
  EXPECT_NE(first_err.find("the disk is full"), std::string::npos) << first_err;
  EXPECT_NE(first_err.find("free some disk space"), std::string::npos) << first_err;
  // The step-2 checkpoint is whole, and the failed one left nothing behind to fill the disk.
  const auto state = nlohmann::json::parse(read_text(out / "after_full" / "checkpoint" / "state.json"));
  EXPECT_EQ(state.at("step").get<int>(), 2);
  EXPECT_FALSE(std::filesystem::exists(out / "after_full" / "checkpoint.tmp"));

  EXPECT_EQ(read_text(out / "second.rc"), "0\n") << read_text(out / "second.err");
  const auto resumed = nlohmann::json::parse(read_text(out / "after_rerun" / "checkpoint" / "state.json"));
  EXPECT_EQ(resumed.at("step").get<int>(), 4);
}

TEST(ModelTrainCli, DecoderOfTakesTheModelsAutoencoderShapeAndRefusesAnother) {
  TempDir dir;
  const CommandResult run = run_shotgen({"model", "train-autoencoder", "--out", (dir.path() / "run").string(), "--steps",
                                         "1", "--decoder-of", "models/default", "--width", "32"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("--decoder-of excludes --width"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "run" / "checkpoint"));
}
