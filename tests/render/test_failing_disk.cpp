// A failing disk under `shotgen render`: tests/support/failing_fsync_preload.cpp makes fsync fail
// with EIO for the takes' folder or for the database. The render must end each affected job with
// the reason, exit non-zero, name the failing disk, keep no half-written file and no take the
// database claims without its files; with the disk healthy again a plain rerun finishes the film.
#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;
using shotgen::testing::run_shotgen;

// Sets LD_PRELOAD for the processes this test starts (not for itself: it is already running).
class FailingFsyncUnder {
 public:
  explicit FailingFsyncUnder(const fs::path& prefix) {
    ::setenv("LD_PRELOAD", SHOTGEN_FAILING_FSYNC, 1);
    ::setenv("SHOTGEN_FAIL_FSYNC_UNDER", prefix.c_str(), 1);
  }
  ~FailingFsyncUnder() {
    ::unsetenv("LD_PRELOAD");
    ::unsetenv("SHOTGEN_FAIL_FSYNC_UNDER");
  }
};

nlohmann::json takes_of(const fs::path& root, const std::string& shot) {
  const auto list = run_shotgen({"-C", root.string(), "take", "list", shot, "--json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  return nlohmann::json::parse(list.out);
}

FilmSpec two_shot_film() {
  FilmSpec spec;
  spec.shots = {{"s1_01"}, {"s1_02"}};
  return spec;
}

TEST(FailingDisk, TakesThatCannotBeSyncedFailTheirJobsAndARerunFinishes) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", two_shot_film());
  const std::string model = tiny_model_dir().string();
  ASSERT_EQ(run_shotgen({"-C", root.string(), "sync"}).exit_code, 0);
  {
    FailingFsyncUnder failing(root / "renders");
    const auto render = run_shotgen({"-C", root.string(), "render", "--all", "--model", model});
    EXPECT_NE(render.exit_code, 0);
    EXPECT_NE(render.out.find("input/output error"), std::string::npos) << render.out << render.err;
    EXPECT_NE(render.out.find("2 failed"), std::string::npos) << render.out;
  }
  EXPECT_EQ(temp_files_under(root), std::vector<fs::path>{});
  for (const char* shot : {"s1_01", "s1_02"}) {
    for (const auto& take : takes_of(root, shot)) {
      EXPECT_NE(take["status"], "done") << take.dump();
    }
  }
  // The jobs say why they failed.
  const auto queue = run_shotgen({"-C", root.string(), "queue", "--json"});
  ASSERT_EQ(queue.exit_code, 0) << queue.err;
  for (const auto& job : nlohmann::json::parse(queue.out)) {
    EXPECT_EQ(job["state"], "failed") << job.dump();
    EXPECT_NE(job.dump().find("input/output error"), std::string::npos) << job.dump();
  }

  const auto rerun = run_shotgen({"-C", root.string(), "render", "--all", "--model", model});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  for (const char* shot : {"s1_01", "s1_02"}) {
    const auto takes = takes_of(root, shot);
    EXPECT_TRUE(std::any_of(takes.begin(), takes.end(), [](const auto& t) { return t["status"] == "done"; })) << shot;
  }
  EXPECT_EQ(run_shotgen({"-C", root.string(), "audit"}).exit_code, 0);
}

TEST(FailingDisk, ADatabaseThatCannotBeSyncedStopsTheRenderWithItsReason) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", two_shot_film());
  const std::string model = tiny_model_dir().string();
  ASSERT_EQ(run_shotgen({"-C", root.string(), "sync"}).exit_code, 0);
  {
    FailingFsyncUnder failing(root / "shotgen.db");
    const auto render = run_shotgen({"-C", root.string(), "render", "--all", "--model", model});
    EXPECT_NE(render.exit_code, 0);
    EXPECT_NE(render.err.find("shotgen.db"), std::string::npos) << render.err;
    EXPECT_NE(render.err.find("I/O error"), std::string::npos) << render.err;
  }
  EXPECT_EQ(temp_files_under(root), std::vector<fs::path>{});
  const auto rerun = run_shotgen({"-C", root.string(), "render", "--all", "--model", model});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_EQ(run_shotgen({"-C", root.string(), "audit"}).exit_code, 0);
}

}  // namespace
}  // namespace shotgen::render
