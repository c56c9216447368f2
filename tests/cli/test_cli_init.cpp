#include <gtest/gtest.h>

#include "support/test_support.h"

namespace shotgen {
namespace {
namespace fs = std::filesystem;

TEST(CliInit, CreatesWorkspace) {
  testing::TempDir tmp;
  auto dir = tmp.path() / "short";
  auto result = testing::run_shotgen({"init", dir.string(), "--title", "A Short"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("created workspace " + dir.string()), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("film.toml"), std::string::npos);
  EXPECT_TRUE(result.err.empty()) << result.err;
  EXPECT_NE(testing::read_text(dir / "film.toml").find("title = \"A Short\""), std::string::npos);
  EXPECT_TRUE(fs::is_directory(dir / "references"));
  EXPECT_TRUE(fs::is_directory(dir / "renders"));
}

TEST(CliInit, DefaultsToWorkspaceOptionAndDirectoryName) {
  testing::TempDir tmp;
  auto dir = tmp.path() / "harbor_film";
  auto result = testing::run_shotgen({"-C", dir.string() + "/", "init"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(testing::read_text(dir / "film.toml").find("title = \"harbor_film\""), std::string::npos);
}

TEST(CliInit, RefusesExistingFilmTomlWithExitCode2) {
  testing::TempDir tmp;
  testing::write_text(tmp.path() / "film.toml", "# keep me\n");
  auto result = testing::run_shotgen({"init", tmp.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("error: "), std::string::npos);
  EXPECT_NE(result.err.find("film.toml already exists"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << "one error line: " << result.err;
  EXPECT_EQ(testing::read_text(tmp.path() / "film.toml"), "# keep me\n");
}

TEST(CliInit, UnknownOptionIsExit2) {
  testing::TempDir tmp;
  auto result = testing::run_shotgen({"init", tmp.path().string(), "--colour", "red"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_FALSE(fs::exists(tmp.path() / "film.toml"));
}

}  // namespace
}  // namespace shotgen
