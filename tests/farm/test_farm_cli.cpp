// `shotgen farm ...` as a user runs it: one-line errors, exit 2, nothing left behind.
#include <gtest/gtest.h>

#include <cstdlib>

#include "farm/farm_state.h"
#include "render/render_fixture.h"
#include "support/test_support.h"

namespace shotgen::farm {
namespace {

namespace fs = std::filesystem;
using shotgen::testing::run_shotgen;
using shotgen::testing::TempDir;

const std::string kTinyModel = std::string(SHOTGEN_TEST_DATA) + "/engine/tiny_model";

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

void expect_one_line_error(const shotgen::testing::CommandResult& result, const std::string& fragment) {
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_TRUE(result.err.starts_with("error: ")) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_NE(result.err.find(fragment), std::string::npos) << result.err;
}

TEST(FarmCli, StatusCollectAndCancelNeedASubmitFirst) {
  TempDir dir;
  const auto root = render::testing::make_workspace(dir.path() / "ws");
  for (const char* command : {"status", "collect", "cancel"})
    expect_one_line_error(run_shotgen({"-C", root.string(), "farm", command}), "has no farm runs");
}

TEST(FarmCli, SubmitWithoutSlurmSaysSoAndChangesNothing) {
  TempDir dir;
  const auto root = render::testing::make_workspace(dir.path() / "ws");
  {
    ScopedEnv path("PATH", (dir.path() / "empty-bin").string());
    expect_one_line_error(
        run_shotgen({"-C", root.string(), "farm", "submit", "--all", "--model", kTinyModel, "--max-parallel", "2"}),
        "'sbatch' is not on PATH");
  }
  EXPECT_FALSE(load_farm_state(root));
  EXPECT_FALSE(fs::exists(root / "farm"));
  EXPECT_FALSE(fs::exists(root / "shotgen.db"));  // nothing planned either
}

TEST(FarmCli, DryRunPrintsTheSbatchArguments) {
  TempDir dir;
  const auto root = render::testing::make_workspace(dir.path() / "ws");
  const auto result = run_shotgen({"-C", root.string(), "farm", "submit", "--all", "--model", kTinyModel, "--partition",
                                   "gpu", "--gpus-per-task", "1", "--max-parallel", "4", "--dry-run"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("--array=0-2%4"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("--partition=gpu"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("--gpus-per-task=1"), std::string::npos) << result.out;
  EXPECT_TRUE(load_farm_state(root)->submissions.empty());
}

TEST(FarmCli, WorkRefusesAnEditedManifestAndNeedsAnIndex) {
  TempDir dir;
  const auto root = render::testing::make_workspace(dir.path() / "ws");
  ASSERT_EQ(run_shotgen({"-C", root.string(), "farm", "submit", "--all", "--model", kTinyModel, "--dry-run"}).exit_code,
            0);
  fs::path manifest;
  for (const auto& entry : fs::directory_iterator(root / "farm" / "manifests"))
    if (entry.path().extension() == ".json") manifest = entry.path();
  ASSERT_FALSE(manifest.empty());
  {
    ScopedEnv no_array("SLURM_ARRAY_TASK_ID", "");
    expect_one_line_error(run_shotgen({"farm", "work", manifest.string()}), "no array task index");
  }
  auto text = shotgen::testing::read_text(manifest);
  text.replace(text.find("Hand-painted"), 12, "Photorealist");
  shotgen::testing::write_text(manifest, text);
  expect_one_line_error(run_shotgen({"farm", "work", manifest.string(), "0", "--model", kTinyModel}),
                        "edited after `shotgen farm submit`");
  EXPECT_TRUE(fs::is_empty(root / "farm" / "results"));
}

}  // namespace
}  // namespace shotgen::farm
