// shotgen prompt / prompt parse, run as a user would.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace shotgen {
namespace {
namespace fs = std::filesystem;

constexpr const char* kFilm = R"(format_version = 1
[film]
title = "Test Short"
[style]
block = "Flat 2D animation, not photorealistic."
[negative]
format = ["photorealistic", "3D render"]
quality = ["blurry"]
[look]
lighting = "golden hour"
palette = "warm"
[[scenes]]
id = "harbor"
look = { palette = "cool" }
negative = ["Blurry", "fog"]
[[scenes.shots]]
id = "harbor_01"
action = "a lamplighter walks along the wall"
look = { camera_move = "pan right" }
[[scenes.shots]]
id = "harbor_02"
action = "boats rock in the water"
)";

fs::path make_workspace(const testing::TempDir& tmp, const std::string& film_toml = kFilm) {
  testing::write_text(tmp.path() / "film.toml", film_toml);
  return tmp.path();
}

TEST(CliPromptParse, PrintsRunsAsJsonPairs) {
  struct Case {
    const char* text;
    const char* json;
  };
  const Case cases[] = {
      {"normal text", R"([["normal text",1.0]])"},
      {"an (important) word", R"([["an ",1.0],["important",1.1],[" word",1.0]])"},
      {"(unnecessary)(parens)", R"([["unnecessaryparens",1.1]])"},
      {"\\(literal\\]", R"([["(literal]",1.0]])"},
      {"a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
       R"([["a ",1.0],["house",1.5730000000000004],[" ",1.1],["on",1.0],[" a ",1.1],["hill",0.55],)"
       R"([", sun, ",1.1],["sky",1.4641000000000006],[".",1.1]])"},
      {"", R"([["",1.0]])"},
      {"(", R"([["",1.0]])"},  // AUTOMATIC1111: one empty run whenever nothing is left
  };
  for (const auto& c : cases) {
    auto result = testing::run_shotgen({"prompt", "parse", c.text, "--json"});
    EXPECT_EQ(result.exit_code, 0) << c.text << ": " << result.err;
    EXPECT_EQ(result.out, std::string(c.json) + "\n") << c.text;
  }
}

TEST(CliPromptParse, NeedsNoWorkspace) {
  testing::TempDir tmp;  // empty: no film.toml
  auto result = testing::run_shotgen({"-C", tmp.path().string(), "prompt", "parse", "[soft] light"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("soft"), std::string::npos);
  EXPECT_NE(result.out.find(" light"), std::string::npos);
}

TEST(CliPrompt, JsonHasPositiveStartingWithStyleNegativeAndSections) {
  testing::TempDir tmp;
  auto ws = make_workspace(tmp);
  auto result = testing::run_shotgen({"-C", ws.string(), "prompt", "harbor_01", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto j = nlohmann::json::parse(result.out);
  EXPECT_EQ(j["positive"],
            "Flat 2D animation, not photorealistic. a lamplighter walks along the wall. pan right, golden hour, cool");
  EXPECT_EQ(j["negative"], "photorealistic, 3D render, blurry, fog");
  ASSERT_TRUE(j["sections"].is_array());
  EXPECT_EQ(j["sections"][0]["name"], "style");
  EXPECT_EQ(j["backend"], "final");
  // prompt only reads: no database is created.
  EXPECT_FALSE(fs::exists(ws / "shotgen.db"));
}

TEST(CliPrompt, LeavesTheProjectDatabaseAsItIs) {
  testing::TempDir tmp;
  auto ws = make_workspace(tmp);
  ASSERT_EQ(testing::run_shotgen({"-C", ws.string(), "sync"}).exit_code, 0);
  const auto before = testing::read_text(ws / "shotgen.db");
  // An edit that sync would store: prompt shows it without recording it.
  std::string film = kFilm;
  film.replace(film.find("boats rock in the water"), std::string("boats rock in the water").size(), "boats drift");
  testing::write_text(ws / "film.toml", film);
  auto result = testing::run_shotgen({"-C", ws.string(), "prompt", "harbor_02"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("boats drift"), std::string::npos) << result.out;
  EXPECT_EQ(testing::read_text(ws / "shotgen.db"), before);
  EXPECT_FALSE(fs::exists(ws / "shotgen.db-wal") && fs::file_size(ws / "shotgen.db-wal") > 0);
}

TEST(CliPrompt, AllPrintsEveryShotInStoryOrder) {
  testing::TempDir tmp;
  auto ws = make_workspace(tmp);
  auto result = testing::run_shotgen({"-C", ws.string(), "prompt", "--all"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto first = result.out.find("shot harbor_01");
  auto second = result.out.find("shot harbor_02");
  ASSERT_NE(first, std::string::npos) << result.out;
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_NE(result.out.find("positive: Flat 2D animation, not photorealistic. boats rock in the water."),
            std::string::npos);
  auto json = testing::run_shotgen({"-C", ws.string(), "prompt", "--all", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out).size(), 2u);
}

TEST(CliPrompt, ReportsCutSectionsForAShortBackend) {
  testing::TempDir tmp;
  std::string film = kFilm;
  std::string long_action = "boats";  // 70 words: over turbo's limit with the style block
  for (int i = 1; i < 70; ++i) long_action += " rock";
  film.replace(film.find("boats rock in the water"), std::string("boats rock in the water").size(), long_action);
  auto ws = make_workspace(tmp, film);
  auto result = testing::run_shotgen({"-C", ws.string(), "prompt", "harbor_02", "--backend", "turbo", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto j = nlohmann::json::parse(result.out);
  EXPECT_EQ(j["cut_sections"].back(), "action");
  auto human = testing::run_shotgen({"-C", ws.string(), "prompt", "harbor_02", "--backend", "turbo"});
  EXPECT_NE(human.out.find("cut to fit: lighting, palette, action"), std::string::npos) << human.out;
}

TEST(CliPrompt, UnknownShotIsExit2WithNearestId) {
  testing::TempDir tmp;
  auto ws = make_workspace(tmp);
  auto result = testing::run_shotgen({"-C", ws.string(), "prompt", "harbor_1"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_NE(result.err.find("unknown shot 'harbor_1'"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("did you mean 'harbor_01'?"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_FALSE(fs::exists(ws / "shotgen.db")) << "bad input must change nothing on disk";
}

TEST(CliPrompt, UnknownBackendAndMissingShotAreExit2) {
  testing::TempDir tmp;
  auto ws = make_workspace(tmp);
  auto backend = testing::run_shotgen({"-C", ws.string(), "prompt", "harbor_01", "--backend", "turb"});
  EXPECT_EQ(backend.exit_code, 2);
  EXPECT_NE(backend.err.find("did you mean 'turbo'?"), std::string::npos) << backend.err;
  auto nothing = testing::run_shotgen({"-C", ws.string(), "prompt"});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("--all"), std::string::npos) << nothing.err;
}

TEST(CliPrompt, StyleBlockTooLongForBackendIsExit2) {
  testing::TempDir tmp;
  std::string film = kFilm;
  std::string style;
  for (int i = 0; i < 70; ++i) style += "painted ";
  film.replace(film.find("Flat 2D animation, not photorealistic."),
               std::string("Flat 2D animation, not photorealistic.").size(), style);
  auto ws = make_workspace(tmp, film);
  auto result = testing::run_shotgen({"-C", ws.string(), "prompt", "harbor_01", "--backend", "turbo"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("shot harbor_01"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("never cut"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace shotgen
