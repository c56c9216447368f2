// shotgen lint exit codes and output on small workspaces.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace shotgen {
namespace {
namespace fs = std::filesystem;

constexpr const char* kCleanFilm = R"(format_version = 1
[film]
title = "Lint Short"
[style]
block = "Flat 2D animation with bold outlines, not live action, not photorealistic."
[negative]
format = ["live action", "photorealistic"]
quality = ["blurry"]
[[scenes]]
id = "yard"
[[scenes.shots]]
id = "yard_01"
action = "a dog runs across the yard"
)";

std::string with(std::string film, const std::string& from, const std::string& to) {
  film.replace(film.find(from), from.size(), to);
  return film;
}

testing::CommandResult lint(const testing::TempDir& tmp, const std::string& film, std::vector<std::string> extra = {}) {
  testing::write_text(tmp.path() / "film.toml", film);
  std::vector<std::string> args = {"-C", tmp.path().string(), "lint"};
  args.insert(args.end(), extra.begin(), extra.end());
  return testing::run_shotgen(args);
}

TEST(CliLint, CleanFilmExits0) {
  testing::TempDir tmp;
  auto result = lint(tmp, kCleanFilm);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "0 error(s), 0 warning(s)\n");
}

TEST(CliLint, WarningsExit1WithOneLinePerFinding) {
  testing::TempDir tmp;
  auto result = lint(tmp, with(kCleanFilm, "quality = [\"blurry\"]", "quality = [\"blurry\", \"Blurry\"]"));
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("warning: negative.quality: 'Blurry' in negative.quality is already listed in "
                            "negative.quality (remove the repeat from negative.quality)\n"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("0 error(s), 1 warning(s)"), std::string::npos);
}

TEST(CliLint, ErrorsExit2AndNameTheSourceLine) {
  testing::TempDir tmp;
  auto result = lint(tmp, with(kCleanFilm, "a dog runs across the yard", "a photorealistic dog runs across the yard"));
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.out.find("error: "), std::string::npos);
  EXPECT_NE(result.out.find("film.toml:"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("shot yard_01: 'photorealistic' is in the negative prompt and asked for in action"),
            std::string::npos)
      << result.out;
}

TEST(CliLint, JsonReportAndThreshold) {
  testing::TempDir tmp;
  auto result = lint(tmp, kCleanFilm, {"--json", "--max-negative-terms", "2"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  auto j = nlohmann::json::parse(result.out);
  EXPECT_EQ(j["warnings"], 1);
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["findings"][0]["code"], "negative-list-too-long");
}

TEST(CliLint, MissingReferenceFileIsExit2) {
  testing::TempDir tmp;
  auto film = with(kCleanFilm, "[[scenes]]",
                   "[[references]]\nid = \"board\"\nimage = \"references/board.png\"\nuse = [\"palette\"]\n\n"
                   "[[scenes]]");
  auto result = lint(tmp, film);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.out.find("reference board"), std::string::npos) << result.out;
  fs::create_directories(tmp.path() / "references");
  testing::write_text(tmp.path() / "references" / "board.png", "x");
  EXPECT_EQ(lint(tmp, film).exit_code, 0);
}

TEST(CliLint, NoWorkspaceIsExit2) {
  testing::TempDir tmp;
  auto result = testing::run_shotgen({"-C", (tmp.path() / "missing").string(), "lint"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("error: "), std::string::npos);
}

}  // namespace
}  // namespace shotgen
