// THE KILL SWEEP: `shotgen render --all` is SIGKILLed at increasing points of a run and run again;
// every time the workspace must end exactly as an uninterrupted run leaves it: the requested takes
// per shot, no duplicate take, no temporary or orphan file, every take file intact, and a sound
// database. The kill points are placed by the run's own progress (its --json events: the n-th job
// started, the n-th take being written or recorded), not by the clock, so machine load moves
// them in time but not in the run.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "db/migrations.h"
#include "media/video_reader.h"
#include "render/take_files.h"
#include "render/render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

FilmSpec sweep_film() {
  FilmSpec spec;
  spec.steps = 12;
  spec.shots = {{"a1", "a"}, {"a2", "a", 1.0}, {"a3", "a"}, {"b1", "b", 1.0}, {"b2", "b"}, {"b3", "b"}};
  spec.shots[0].takes = 2;
  spec.shots[3].takes = 2;
  return spec;
}

std::map<std::string, int> expected_takes() {
  std::map<std::string, int> out;
  for (const auto& shot : sweep_film().shots) out[shot.id] = shot.takes;
  return out;
}

std::vector<std::string> render_args(const fs::path& root) {
  return {"-C", root.string(), "render", "--all", "--batch", "2", "--model", tiny_model_dir().string()};
}

// Starts build/shotgen without waiting for it (output discarded).
pid_t spawn_render(const fs::path& root) {
  const auto args = render_args(root);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    std::vector<char*> argv{const_cast<char*>(SHOTGEN_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(SHOTGEN_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

// Where a kill lands: when the run reports its `ordinal`-th `event` (render --json).
struct KillPoint {
  std::string event;
  int ordinal;
};

// 8 takes in batches of at most 2: every point exists in every run, and the writer thread records
// batch k while batch k+1 generates, so "started" kills also land in take writing.
const std::vector<KillPoint> kKillPoints = {
    {"planned", 1}, {"started", 1}, {"step", 6},   {"writing", 1}, {"done", 1},
    {"started", 3}, {"writing", 3}, {"done", 3},   {"started", 7}, {"done", 6},
};

// Runs `render --all --json` and SIGKILLs it as soon as it reports `point`. False when the run
// ended before reporting it.
bool render_and_kill_at(const fs::path& root, const KillPoint& point) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return false;
  auto args = render_args(root);
  args.push_back("--json");
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(null_fd, 2);
    ::close(pipe_fds[0]);
    std::vector<char*> argv{const_cast<char*>(SHOTGEN_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(SHOTGEN_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::FILE* events = ::fdopen(pipe_fds[0], "r");
  int seen = 0;
  bool killed = false;
  char line[16384];
  while (!killed && std::fgets(line, sizeof line, events)) {
    const auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (event.is_object() && event.value("event", "") == point.event && ++seen == point.ordinal) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
  }
  std::fclose(events);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return killed && WIFSIGNALED(status);
}

// Every invariant of a finished workspace; `label` names the kill point in failures.
void expect_complete(const fs::path& root, const std::string& label) {
  auto db = db::open_project_database(root / "shotgen.db");
  {
    auto check = db.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.text(0), "ok") << label;
  }
  std::map<std::string, int> done_takes;
  std::set<std::pair<std::string, int>> seen;
  std::set<std::string> referenced;
  auto takes = db.prepare("SELECT shot_id, take_index, mp4_path, poster_path, status, source_path FROM takes");
  while (takes.step()) {
    const std::string shot = takes.text(0);
    const int index = takes.integer(1);
    const std::string mp4 = takes.text(2), poster = takes.text(3);
    EXPECT_EQ(takes.text(4), "done") << label << ": take " << shot << "/" << index;
    ++done_takes[shot];
    EXPECT_TRUE(seen.insert({shot, index}).second) << label << ": duplicate take " << shot << "/" << index;
    referenced.insert(mp4);
    referenced.insert(poster);
    if (!takes.text(5).empty()) referenced.insert(takes.text(5));  // the kept source frames (finishing)
    ASSERT_TRUE(fs::exists(root / mp4)) << label << ": " << mp4;
    EXPECT_TRUE(fs::exists(root / poster)) << label << ": " << poster;
    EXPECT_GT(media::probe_video(root / mp4).frames, 0) << label << ": " << mp4;
  }
  EXPECT_EQ(done_takes, expected_takes()) << label;
  auto open_jobs = db.prepare("SELECT COUNT(*) FROM jobs WHERE state != 'done'");
  open_jobs.step();
  EXPECT_EQ(open_jobs.integer(0), 0) << label;
  for (const auto& entry : fs::recursive_directory_iterator(root / "renders")) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    EXPECT_FALSE(is_temp_file_name(name)) << label << ": leftover " << entry.path();
    const std::string relative = fs::relative(entry.path(), root).generic_string();
    EXPECT_TRUE(referenced.count(relative)) << label << ": orphan " << relative;
  }
}

TEST(KillSweep, KilledRendersResumeToExactlyTheRequestedTakes) {
  TempDir dir;
  const fs::path pristine = make_workspace(dir.path() / "pristine", sweep_film());

  // An uninterrupted run ends as every killed-and-resumed run must.
  const fs::path reference = dir.path() / "reference";
  fs::copy(pristine, reference, fs::copy_options::recursive);
  const auto full = shotgen::testing::run_shotgen(render_args(reference));
  ASSERT_EQ(full.exit_code, 0) << full.out << full.err;
  expect_complete(reference, "uninterrupted run");

  int total_takes = 0;
  for (const auto& [shot, takes] : expected_takes()) total_takes += takes;
  int partial_runs = 0;  // kills that left some but not all takes recorded
  for (std::size_t i = 0; i < kKillPoints.size(); ++i) {
    const KillPoint& point = kKillPoints[i];
    const std::string label = "kill point " + std::to_string(i) + " (" + point.event + " #" +
                              std::to_string(point.ordinal) + ")";
    const fs::path root = dir.path() / ("kill" + std::to_string(i));
    fs::copy(pristine, root, fs::copy_options::recursive);

    ASSERT_TRUE(render_and_kill_at(root, point)) << label << ": the run ended before reaching it";
    // What the killed run left: a sound database, and (depending on the point) some takes.
    if (fs::exists(root / "shotgen.db")) {
      auto db = db::open_project_database(root / "shotgen.db");
      auto check = db.prepare("PRAGMA integrity_check");
      ASSERT_TRUE(check.step());
      EXPECT_EQ(check.text(0), "ok") << label << " (right after the kill)";
      auto count = db.prepare("SELECT COUNT(*) FROM takes");
      count.step();
      const int takes = count.integer(0);
      if (takes > 0 && takes < total_takes) ++partial_runs;
      if (point.event == "done") {
        EXPECT_GE(takes, point.ordinal) << label;
        EXPECT_LT(takes, total_takes) << label;
      }
    }

    const auto rerun = shotgen::testing::run_shotgen(render_args(root));
    ASSERT_EQ(rerun.exit_code, 0) << label << "\n" << rerun.out << rerun.err;
    expect_complete(root, label);
    fs::remove_all(root);
  }
  EXPECT_GE(partial_runs, 4) << "every kill at a recorded take leaves a partial run";
}

TEST(KillSweep, CtrlCCancelsCleanlyAndARerunFinishes) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", sweep_film());
  const pid_t pid = spawn_render(root);
  ASSERT_GT(pid, 0);
  // Wait until the first take is recorded, so the interrupt lands inside the run.
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  bool started = false;
  while (!started && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(root / "renders", ec))
      if (entry.path().extension() == ".png") started = true;
  }
  ASSERT_TRUE(started);
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "Ctrl-C must end the render normally, not kill it";
  const int code = WEXITSTATUS(status);
  EXPECT_TRUE(code == 130 || code == 0) << code;  // 0: the interrupt came after the last batch
  {
    auto db = db::open_project_database(root / "shotgen.db");
    auto running = db.prepare("SELECT COUNT(*) FROM jobs WHERE state = 'running'");
    running.step();
    EXPECT_EQ(running.integer(0), 0) << "no job may stay running after Ctrl-C";
    if (code == 130) {  // interrupted: the generating batch was cancelled, the rest left queued
      auto unfinished = db.prepare("SELECT COUNT(*) FROM jobs WHERE state IN ('cancelled', 'queued')");
      unfinished.step();
      EXPECT_GE(unfinished.integer(0), 1);
      auto wrong = db.prepare("SELECT COUNT(*) FROM jobs WHERE state = 'cancelled' AND error NOT LIKE '%interrupted%'");
      wrong.step();
      EXPECT_EQ(wrong.integer(0), 0);
    }
  }
  const auto rerun = shotgen::testing::run_shotgen(render_args(root));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  expect_complete(root, "after Ctrl-C");
}

}  // namespace
}  // namespace shotgen::render
