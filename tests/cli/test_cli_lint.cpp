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

// A fixture model folder (config.json + vocab.txt): the tests do not depend on the bundled
// model's vocabulary, which changes whenever the model is retrained.
std::string fixture_model() { return std::string(SHOTGEN_TEST_DATA) + "/lint_model"; }

testing::CommandResult lint(const testing::TempDir& tmp, const std::string& film, std::vector<std::string> extra = {},
                            const std::string& model = fixture_model()) {
  testing::write_text(tmp.path() / "film.toml", film);
  std::vector<std::string> args = {"-C", tmp.path().string(), "lint", "--model", model};
  args.insert(args.end(), extra.begin(), extra.end());
  return testing::run_shotgen(args);
}

int lines_starting_with(const std::string& text, const std::string& prefix) {
  int count = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    if (text.compare(at, prefix.size(), prefix) == 0) ++count;
    at = text.find('\n', at);
    if (at == std::string::npos) break;
    ++at;
  }
  return count;
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

TEST(CliLint, ReportsEveryMisspelledKeyInOneRun) {
  testing::TempDir tmp;
  auto film = with(kCleanFilm, "title = \"Lint Short\"", "title = \"Lint Short\"\nfsp = 12\ntitel = \"x\"");
  film = with(film, "action = \"a dog runs across the yard\"", "acton = \"a dog runs across the yard\"");
  auto text = lint(tmp, film);
  EXPECT_EQ(text.exit_code, 2) << text.out << text.err;
  EXPECT_EQ(lines_starting_with(text.out, "error: "), 4) << text.out;  // fsp, titel, acton, and action missing
  EXPECT_NE(text.out.find("unknown key 'film.fsp' (did you mean 'fps'?)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("unknown key 'film.titel'"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("unknown key 'scenes[0].shots[0].acton' (did you mean 'action'?)"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("4 error(s), 0 warning(s)"), std::string::npos) << text.out;
}

TEST(CliLint, JsonIsPrintedWhenFilmTomlDoesNotLoad) {
  testing::TempDir tmp;
  auto film = with(kCleanFilm, "title = \"Lint Short\"", "title = \"Lint Short\"\nfsp = 12\ntitel = \"x\"\nfps = 0");
  auto result = lint(tmp, film, {"--json"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  auto j = nlohmann::json::parse(result.out);
  EXPECT_EQ(j["exit_code"], 2);
  EXPECT_EQ(j["errors"], 3);
  ASSERT_EQ(j["findings"].size(), 3u);
  EXPECT_EQ(j["findings"][0]["code"], "unknown-key");
  EXPECT_EQ(j["findings"][0]["source"], (tmp.path() / "film.toml").string() + ":4:1");
  EXPECT_EQ(j["findings"][0]["fix"], "did you mean 'fps'?");
  EXPECT_EQ(j["findings"][2]["code"], "out-of-range");
  EXPECT_EQ(j["notes"].size(), 1u);

  // Malformed TOML and a missing workspace give the document too.
  auto malformed = lint(tmp, "[film\n", {"--json"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_EQ(nlohmann::json::parse(malformed.out)["findings"][0]["code"], "malformed-toml");
  auto missing = testing::run_shotgen({"-C", (tmp.path() / "missing").string(), "lint", "--json"});
  EXPECT_EQ(missing.exit_code, 2);
  auto none = nlohmann::json::parse(missing.out);
  EXPECT_EQ(none["errors"], 1);
  EXPECT_NE(none["findings"][0]["message"].get<std::string>().find("does not exist"), std::string::npos);
}

TEST(CliLint, LookWordsTheModelHasNeverSeenAreWarnings) {
  testing::TempDir tmp;
  auto film = with(kCleanFilm, "[[scenes]]", "[look]\nlighting = \"backlit silhouete\"\n\n[[scenes]]");
  auto result = lint(tmp, film);
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("warning: look.lighting: lighting 'backlit silhouete': the model has never seen the word "
                            "'silhouete'"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("(did you mean 'silhouette'?)"), std::string::npos) << result.out;
  EXPECT_EQ(lines_starting_with(result.out, "warning: "), 1) << result.out;  // 'backlit' is known

  // Without a model folder the check is skipped, and a note says so.
  auto no_model = lint(tmp, film, {}, (tmp.path() / "no_model").string());
  EXPECT_EQ(no_model.exit_code, 0) << no_model.out;
  EXPECT_NE(no_model.out.find("note: look words were not checked against a model vocabulary"), std::string::npos)
      << no_model.out;
}

TEST(CliLint, ReferenceOutsideTheWorkspaceIsAnError) {
  testing::TempDir tmp;
  auto film = with(kCleanFilm, "[[scenes]]",
                   "[[references]]\nid = \"board\"\nimage = \"/etc/passwd\"\nuse = [\"palette\"]\n\n[[scenes]]");
  auto result = lint(tmp, film);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.out.find("reference 'board' image '/etc/passwd' is outside the workspace (an absolute path)"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("reference_library"), std::string::npos) << result.out;
  // The explicit opt-in: a shared library folder.
  auto opted_in = lint(tmp, with(film, "title = \"Lint Short\"", "title = \"Lint Short\"\nreference_library = \"/etc\""));
  EXPECT_EQ(opted_in.exit_code, 0) << opted_in.out;
}

TEST(CliLint, NoWorkspaceIsExit2) {
  testing::TempDir tmp;
  auto result = testing::run_shotgen({"-C", (tmp.path() / "missing").string(), "lint"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("error: "), std::string::npos);
}

}  // namespace
}  // namespace shotgen
