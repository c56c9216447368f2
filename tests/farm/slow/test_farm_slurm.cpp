// THE FARM ON A REAL SLURM: a small film submitted as one job array to a one-node Slurm started on
// this machine (local_slurm.h), one running task killed with scancel half way, the missing job
// submitted again, everything collected; then every take is there exactly once and probes, audit
// is clean, the database is sound and collecting again changes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/hash.h"
#include "db/migrations.h"
#include "farm/farm_state.h"
#include "farm/slow/local_slurm.h"
#include "media/video_reader.h"
#include "render/render_fixture.h"
#include "render/take_tags.h"

namespace shotgen::farm {
namespace {

namespace fs = std::filesystem;
using shotgen::testing::run_program;
using shotgen::testing::run_shotgen;
using shotgen::testing::TempDir;
using Clock = std::chrono::steady_clock;

const std::string kTinyModel = std::string(SHOTGEN_TEST_DATA) + "/engine/tiny_model";

// Six shots of 2 s at 8 fps (16 frames, four windows of the tiny model) at 32x16, 600 steps: each
// task runs long enough on a shared machine to be caught running. (At 60 steps, with the machine
// busy, a task was shown running for under a second of its ~2 and a `farm status` poll took ~1 s:
// the polls saw all six end without catching one. At 200 steps, with a training run on one core, a
// poll took 2–3 s: one run in four the task seen running had finished before scancel reached it,
// and the other four finished before the next poll.)
render::testing::FilmSpec slurm_film() {
  render::testing::FilmSpec spec;
  spec.steps = 600;
  spec.shots.clear();
  for (int i = 1; i <= 6; ++i)
    spec.shots.push_back(
        {"s" + std::to_string((i + 2) / 3) + "_0" + std::to_string(i), "s" + std::to_string((i + 2) / 3), 2.0});
  return spec;
}

nlohmann::json shotgen_json(const std::vector<std::string>& args, int expected_exit = 0) {
  const auto result = run_shotgen(args);
  EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
  try {
    return nlohmann::json::parse(result.out);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not JSON: " << result.out << result.err;
    return nlohmann::json::object();
  }
}

nlohmann::json farm_status_json(const fs::path& root) {
  return shotgen_json({"-C", root.string(), "farm", "status", "--json"});
}

// Polls `farm status` until no task is active.
bool wait_until_idle(const fs::path& root, double seconds) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    if (farm_status_json(root).value("active", -1) == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return false;
}

std::string database_dump(const fs::path& root) {
  return run_program("sqlite3", {(root / "shotgen.db").string(), ".dump"}).out;
}

std::map<std::string, std::string> files_with_hashes(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && !entry.path().filename().string().starts_with("shotgen.db"))
      files[entry.path().string()] = sha256_hex(read_file(entry.path()));
  return files;
}

TEST(FarmSlurm, KilledTaskResubmittedAndEveryTakeCollectedOnce) {
  testing::LocalSlurm slurm(/*cpus=*/4);
  TempDir dir;
  const fs::path root = render::testing::make_workspace(dir.path() / "ws", slurm_film());
  ::setenv("SHOTGEN_MODEL_DIR", kTinyModel.c_str(), 1);
  ::setenv("SHOTGEN_THREADS", "1", 1);  // a shared machine: one torch thread per task

  const auto submitted =
      shotgen_json({"-C", root.string(), "farm", "submit", "--all", "--max-parallel", "2", "--json"});
  ASSERT_EQ(submitted.value("submitted", 0), 6) << submitted.dump(2);
  const std::string array_job = submitted["arrays"][0]["slurm_job_id"];

  // Half way: kill a task that Slurm says is running. A task that finishes between the check and
  // scancel is not killed mid-way; then the next running task is tried.
  std::string killed_run;
  const auto deadline = Clock::now() + std::chrono::minutes(10);
  while (killed_run.empty() && Clock::now() < deadline) {
    const auto now = farm_status_json(root);
    if (now.value("active", -1) == 0) break;  // every task ended before one was caught running
    int finished = 0;
    std::string running;
    for (const auto& task : now["tasks"]) {
      if (task["state"] == "finished") ++finished;
      if (task["state"] == "running" && running.empty()) running = task["run"].get<std::string>();
    }
    if (finished >= 2 && !running.empty()) {
      ASSERT_EQ(run_program("scancel", {running}).exit_code, 0);
      // Killed mid-way only if it wrote no record: judged once Slurm has ended it.
      std::string state = "running";
      while (state != "ended" && state != "finished" && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const auto status = farm_status_json(root);  // kept: the loop must not walk a temporary
        for (const auto& task : status["tasks"])
          if (task["run"] == running) state = task["state"].get<std::string>();
      }
      if (state == "ended") killed_run = running;
      if (killed_run.empty() && farm_status_json(root).value("active", 0) == 0) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(killed_run.empty()) << "no task could be killed while running\n" << farm_status_json(root).dump(2);
  ASSERT_TRUE(wait_until_idle(root, 600)) << farm_status_json(root).dump(2) << slurm.logs();

  // Submitting again sends exactly the killed job.
  const auto again = shotgen_json({"-C", root.string(), "farm", "submit", "--json"});
  ASSERT_EQ(again.value("submitted", 0), 1) << again.dump(2);
  ASSERT_TRUE(wait_until_idle(root, 600)) << farm_status_json(root).dump(2) << slurm.logs();

  // Collect: five takes of the first array and the resubmitted one; the killed task is recorded
  // lost (exit 1: a failed task was found).
  const auto collected = shotgen_json({"-C", root.string(), "farm", "collect", "--json"}, 1);
  EXPECT_EQ(collected.value("collected", 0), 6) << collected.dump(2);
  EXPECT_EQ(collected.value("failed", 0), 1) << collected.dump(2);
  const auto final_status = farm_status_json(root);
  EXPECT_EQ(final_status["states"].value("collected", 0), 6) << final_status.dump(2);
  EXPECT_EQ(final_status["states"].value("lost", 0), 1) << final_status.dump(2);
  for (const auto& task : final_status["tasks"])
    if (task["run"] == killed_run) {
      EXPECT_EQ(task["state"], "lost");
      EXPECT_NE(task["detail"].get<std::string>().find("CANCELLED"), std::string::npos) << task.dump();
    }

  {
    auto db = db::open_project_database(root / "shotgen.db");
    auto check = db.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.text(0), "ok");
    std::set<std::string> shots, jobs;
    auto takes = db.prepare("SELECT shot_id, job_id, status, mp4_path, poster_path, timings_json FROM takes");
    while (takes.step()) {
      EXPECT_TRUE(shots.insert(takes.text(0)).second) << "a second take of " << takes.text(0);
      jobs.insert(takes.text(1));
      EXPECT_EQ(takes.text(2), "done");
      const auto probe = media::probe_video(root / takes.text(3));
      EXPECT_GT(probe.frames, 0) << takes.text(3);
      // The file describes its take record, take number included (render/take_tags.h).
      const auto tagged = render::take_from_tags(probe.metadata);
      ASSERT_TRUE(tagged) << tagged.problem().message();
      EXPECT_EQ(tagged.value().take.take_number, 1) << takes.text(3);
      EXPECT_EQ(*tagged.value().take.job_id, takes.text(1));
      EXPECT_TRUE(fs::exists(root / takes.text(4)));
      // The killed run's files were never collected: the take came from the resubmitted run.
      EXPECT_NE(nlohmann::json::parse(takes.text(5))["farm"]["run"], killed_run);
    }
    EXPECT_EQ(shots.size(), 6u);
    EXPECT_EQ(jobs.size(), 6u);
    auto open_jobs = db.prepare("SELECT COUNT(*) FROM jobs WHERE state != 'done'");
    open_jobs.step();
    EXPECT_EQ(open_jobs.integer(0), 0);
  }
  const auto audit = run_shotgen({"-C", root.string(), "audit"});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  for (const auto& entry : fs::recursive_directory_iterator(root / "renders"))
    EXPECT_FALSE(is_temp_file_name(entry.path().filename().string())) << entry.path();
  for (const auto& entry : fs::recursive_directory_iterator(root / "farm"))
    EXPECT_FALSE(entry.path().filename().string().starts_with("shotgen.db")) << entry.path();

  // Collecting again changes nothing.
  const std::string dump = database_dump(root);
  const auto files = files_with_hashes(root);
  const auto nothing = shotgen_json({"-C", root.string(), "farm", "collect", "--json"});
  EXPECT_EQ(nothing.value("collected", -1), 0);
  EXPECT_EQ(database_dump(root), dump);
  EXPECT_EQ(files_with_hashes(root), files);
  ::unsetenv("SHOTGEN_MODEL_DIR");
  ::unsetenv("SHOTGEN_THREADS");
}

}  // namespace
}  // namespace shotgen::farm
