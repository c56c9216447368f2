#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "film/film_loader.h"
#include "support/test_support.h"

namespace shotgen::film {
namespace {

// The smallest valid film; tests append or substitute lines to break it in one place.
const std::string kMinimal = R"(# test film
[film]
title = "Test"

[style]
block = "hand-painted 2D animation"

[negative]
format = ["live action"]
)";

std::string minimal(const std::string& extra = {}) { return kMinimal + extra; }

// Loads `text` expecting an error; returns its Problem.
Problem load_error(const std::string& text) {
  try {
    load_film_string(text, "film.toml");
  } catch (const Error& e) {
    return e.problem();
  }
  ADD_FAILURE() << "expected an error for:\n" << text;
  return {};
}

TEST(FilmLoader, MinimalFilmGetsDefaults) {
  Film film = load_film_string(minimal(), "film.toml");
  EXPECT_EQ(film.format_version, 1);
  EXPECT_EQ(film.info.title, "Test");
  EXPECT_EQ(film.info.fps, 24.0);
  EXPECT_EQ(film.info.resolution, (Resolution{512, 256}));
  EXPECT_EQ(film.info.seed_policy, SeedPolicy::PerShot);
  EXPECT_EQ(film.style.text, "hand-painted 2D animation");
  EXPECT_EQ(film.negative.format, std::vector<std::string>{"live action"});
  EXPECT_TRUE(film.negative.anatomy.empty());
  EXPECT_EQ(film.render.size, (Resolution{128, 64}));
  EXPECT_EQ(film.routing.fallback, (std::vector<std::string>{"final", "turbo"}));
  EXPECT_TRUE(film.scenes.empty());
}

TEST(FilmLoader, ReadsEveryField) {
  Film film = load_film_string(minimal(R"(anatomy = ["extra fingers"]
quality = ["blurry"]
extra = ["logo"]

[look]
lighting = "night"
attribution = "a 1970s western"

[render]
size = "128x64"
steps = 12
guidance = 4.5
negative_scale = 1
layout_guide = 0.2

[routing]
fallback = ["turbo"]

[[routing.rules]]
tag = "hero"
scene = "s1"
shot = "a"
mode = "draft"
backends = ["final", "turbo"]

[[references]]
id = "board"
image = "references/board.png"
use = ["palette", "texture"]
ignore = ["lighting"]
description = "a warm board"

[[scenes]]
id = "s1"
title = "One"
look = { palette = "warm" }
negative = ["fog"]

[[scenes.shots]]
id = "a"
action = "one character walks"
duration = 2.5
look = { camera_move = "pan left", shot_size = "close-up" }
negative = ["rain"]
references = ["board"]
tags = ["hero"]
route = "turbo"
seed = 99
takes = 3
transition = "crossfade"
transition_seconds = 0.25
)"),
                               "dir/film.toml");
  EXPECT_EQ(film.negative.extra, std::vector<std::string>{"logo"});
  EXPECT_EQ(film.look.get(LookField::Lighting), "night");
  EXPECT_EQ(film.look.get(LookField::Attribution), "a 1970s western");
  EXPECT_FALSE(film.look.get(LookField::Palette).has_value());
  EXPECT_EQ(film.render.size, (Resolution{128, 64}));
  EXPECT_EQ(film.render.steps, 12);
  EXPECT_EQ(film.render.guidance, 4.5);
  EXPECT_EQ(film.render.negative_scale, 1.0);
  EXPECT_EQ(film.render.layout_guide, 0.2);
  EXPECT_EQ(film.routing.fallback, std::vector<std::string>{"turbo"});
  ASSERT_EQ(film.routing.rules.size(), 1u);
  EXPECT_EQ(film.routing.rules[0].mode, "draft");
  EXPECT_EQ(film.routing.rules[0].backends, (std::vector<std::string>{"final", "turbo"}));
  ASSERT_EQ(film.references.size(), 1u);
  EXPECT_EQ(film.references[0].use, (std::vector<std::string>{"palette", "texture"}));
  EXPECT_EQ(film.references[0].source, "dir/film.toml:35:1");
  ASSERT_EQ(film.scenes.size(), 1u);
  const Scene& scene = film.scenes[0];
  EXPECT_EQ(scene.look.get(LookField::Palette), "warm");
  EXPECT_EQ(scene.negative, std::vector<std::string>{"fog"});
  EXPECT_EQ(scene.source, "dir/film.toml:42:1");
  ASSERT_EQ(scene.shots.size(), 1u);
  const Shot& shot = scene.shots[0];
  EXPECT_EQ(shot.duration, 2.5);
  EXPECT_EQ(shot.look.get(LookField::CameraMove), "pan left");
  EXPECT_EQ(shot.look.get(LookField::ShotSize), "close-up");
  EXPECT_EQ(shot.seed, 99u);
  EXPECT_EQ(shot.takes, 3);
  EXPECT_EQ(shot.transition, Transition::Crossfade);
  EXPECT_EQ(shot.transition_seconds, 0.25);
  EXPECT_EQ(shot.route, "turbo");
  EXPECT_EQ(shot.source, "dir/film.toml:48:1");
  EXPECT_EQ(film.routing.rules[0].source, "dir/film.toml:28:1");
}

TEST(FilmLoader, MalformedTomlNamesLineAndColumn) {
  Problem p = load_error(minimal("\n[look]\nlighting = \"night\n"));
  EXPECT_EQ(p.where.rfind("film.toml:12:", 0), 0u) << p.where;
  EXPECT_NE(p.what.find("malformed TOML"), std::string::npos) << p.what;
}

TEST(FilmLoader, UnknownKeySuggestsNearest) {
  Problem p = load_error(minimal("\n[look]\nlightning = \"night\"\n"));
  EXPECT_EQ(p.where, "film.toml:12:1");
  EXPECT_NE(p.what.find("unknown key 'look.lightning'"), std::string::npos) << p.what;
  EXPECT_NE(p.fix.find("did you mean 'lighting'?"), std::string::npos) << p.fix;
}

TEST(FilmLoader, UnknownKeyInNestedShotNamesFullPath) {
  Problem p = load_error(minimal(R"(
[[scenes]]
id = "s1"
[[scenes.shots]]
id = "a"
action = "x"
[[scenes]]
id = "s2"
[[scenes.shots]]
id = "b"
action = "y"
look = { lightning = "night" }
)"));
  EXPECT_NE(p.what.find("'scenes[1].shots[0].look.lightning'"), std::string::npos) << p.what;
  EXPECT_EQ(p.where, "film.toml:21:10");
  EXPECT_NE(p.fix.find("'lighting'"), std::string::npos);
}

TEST(FilmLoader, LookFieldDirectlyInShotPointsToLookTable) {
  Problem p = load_error(minimal("[[scenes]]\nid = \"s\"\n[[scenes.shots]]\nid = \"a\"\naction = \"x\"\nlightning = \"night\"\n"));
  EXPECT_NE(p.what.find("'scenes[0].shots[0].lightning'"), std::string::npos) << p.what;
  EXPECT_NE(p.fix.find("did you mean 'lighting'? look fields go in look = {"), std::string::npos) << p.fix;
}

TEST(FilmLoader, ALayoutGuideOutsideItsRangeNamesTheRange) {
  Problem p = load_error(minimal("\n[render]\nlayout_guide = 0.8\n"));
  EXPECT_NE(p.what.find("layout_guide"), std::string::npos) << p.what;
  EXPECT_NE(p.fix.find("layout_guide = 0.4"), std::string::npos) << p.fix;
  EXPECT_EQ(load_film_string(minimal(), "film.toml").render.layout_guide, 0.0);  // off unless asked
}

TEST(FilmLoader, UnknownKeyFarFromAnyListsValidKeys) {
  Problem p = load_error(minimal("\n[render]\nzzzzzzzz = 1\n"));
  EXPECT_NE(p.fix.find("valid keys here: size, steps, guidance, negative_scale"), std::string::npos) << p.fix;
}

TEST(FilmLoader, TopLevelKeyOfATableSaysWhereItBelongs) {
  Problem p = load_error("title = \"t\"\n" + minimal());
  EXPECT_EQ(p.what, "unknown key 'title'");
  EXPECT_EQ(p.fix, "'title' belongs in the [film] table: move it below [film]");
}

TEST(FilmLoader, TransposedLettersCountAsOneTypo) {
  Problem p = load_error("[film]\ntitle = \"t\"\nfsp = 24\n[style]\nblock = \"b\"\n[negative]\n");
  EXPECT_EQ(p.fix, "did you mean 'fps'?");
  EXPECT_EQ(p.where, "film.toml:3:1");
}

TEST(FilmLoader, WrongTypeNamesKeyAndTypes) {
  Problem p = load_error("[film]\ntitle = \"t\"\nfps = \"24\"\n[style]\nblock = \"b\"\n[negative]\n");
  EXPECT_EQ(p.where, "film.toml:3:7");
  EXPECT_EQ(p.what, "wrong type for 'film.fps': expected a number, found a string");
  EXPECT_NE(p.fix.find("without quotes"), std::string::npos);
}

TEST(FilmLoader, WrongTypeInsideArrayNamesElement) {
  Problem p = load_error(minimal("anatomy = [\"extra fingers\", 3]\n"));
  EXPECT_EQ(p.what, "wrong type for 'negative.anatomy[1]': expected a string, found an integer");
  EXPECT_EQ(p.where, "film.toml:10:29");
}

TEST(FilmLoader, TableWhereArrayOfTablesExpected) {
  Problem p = load_error(minimal("\n[scenes]\nid = \"s\"\n"));
  EXPECT_NE(p.what.find("wrong type for 'scenes': expected an array of tables, found a table"), std::string::npos)
      << p.what;
}

TEST(FilmLoader, MissingRequiredFieldsAreNamed) {
  Problem no_style = load_error("[film]\ntitle = \"t\"\n[negative]\n");
  EXPECT_EQ(no_style.what, "missing required key 'style'");
  EXPECT_EQ(no_style.where, "film.toml:1:1");

  Problem no_action = load_error(minimal("[[scenes]]\nid = \"s\"\n[[scenes.shots]]\nid = \"a\"\n"));
  EXPECT_EQ(no_action.what, "missing required key 'scenes[0].shots[0].action'");
  EXPECT_EQ(no_action.where, "film.toml:12:1");
  EXPECT_NE(no_action.fix.find("action = \"...\""), std::string::npos);

  Problem no_backends = load_error(minimal("[[routing.rules]]\ntag = \"x\"\n"));
  EXPECT_EQ(no_backends.what, "missing required key 'routing.rules[0].backends'");

  Problem no_title = load_error("[film]\nfps = 24\n[style]\nblock = \"b\"\n[negative]\n");
  EXPECT_EQ(no_title.what, "missing required key 'film.title'");
}

TEST(FilmLoader, BadResolutionAndSize) {
  for (const char* bad : {"512", "512x", "x256", "512x-2", "512 x 256", "0x256", "ax256"}) {
    Problem p = load_error("[film]\ntitle = \"t\"\nresolution = \"" + std::string(bad) + "\"\n[style]\nblock = \"b\"\n[negative]\n");
    EXPECT_NE(p.what.find("'film.resolution' must be \"WIDTHxHEIGHT\""), std::string::npos) << bad << ": " << p.what;
    EXPECT_EQ(p.where, "film.toml:3:14");
  }
  Problem p = load_error(minimal("[render]\nsize = \"60x30\"\n"));
  EXPECT_NE(p.what.find("multiples of 16"), std::string::npos) << p.what;
  EXPECT_EQ(p.fix, "use size = \"64x32\"");
}

TEST(FilmLoader, BadValuesAreErrors) {
  struct Case {
    std::string text;
    std::string what_contains;
  };
  const std::string shot = "[[scenes]]\nid = \"s\"\n[[scenes.shots]]\nid = \"a\"\naction = \"x\"\n";
  std::vector<Case> cases = {
      {"[film]\ntitle = \"t\"\nfps = 0\n[style]\nblock = \"b\"\n[negative]\n", "'film.fps' must be greater than 0"},
      {"[film]\ntitle = \"t\"\nfps = -2.5\n[style]\nblock = \"b\"\n[negative]\n", "'film.fps' must be greater than 0"},
      {"[film]\ntitle = \"t\"\nfps = nan\n[style]\nblock = \"b\"\n[negative]\n", "'film.fps' must be a finite number"},
      {"[film]\ntitle = \"t\"\nseed_policy = \"random\"\n[style]\nblock = \"b\"\n[negative]\n", "unknown seed policy 'random'"},
      {"[film]\ntitle = \"t\"\nseed = -1\n[style]\nblock = \"b\"\n[negative]\n", "'film.seed' must not be negative"},
      {"[film]\ntitle = \"\"\n[style]\nblock = \"b\"\n[negative]\n", "'film.title' is empty"},
      {minimal(shot + "takes = 0\n"), "'scenes[0].shots[0].takes' must be from 1 to 1000"},
      {minimal(shot + "transition = \"wipe\"\n"), "unknown transition 'wipe'"},
      {minimal(shot + "transition_seconds = -1\n"), "transition_seconds' must be from 0 to 600, got -1"},
      {minimal("[[references]]\nid = \"r\"\nimage = \"r.png\"\nuse = [\"pallete\"]\n"),
       "unknown reference dimension 'pallete' at 'references[0].use[0]'"},
      {minimal("[[references]]\nid = \"r\"\nimage = \"r.png\"\nuse = [\"palette\"]\nignore = [\"palette\"]\n"),
       "'palette' is both used and ignored"},
      {minimal("[[routing.rules]]\nmode = \"fast\"\nbackends = [\"turbo\"]\n"), "unknown mode 'fast'"},
      {minimal("[[routing.rules]]\nbackends = []\n"), "'routing.rules[0].backends' is empty"},
      {minimal("[render]\nsteps = 0\n"), "'render.steps' must be from 1 to 10000"},
      {minimal("[[scenes]]\nid = \"bad id\"\n"), "invalid scene id 'bad id'"},
  };
  for (const auto& c : cases) {
    Problem p = load_error(c.text);
    EXPECT_NE(p.what.find(c.what_contains), std::string::npos) << "got: " << p.what << "\nfor:\n" << c.text;
    EXPECT_EQ(p.where.rfind("film.toml:", 0), 0u) << p.where;
  }
}

TEST(FilmLoader, DurationsAreRangeChecked) {
  const std::string shot = "[[scenes]]\nid = \"s\"\n[[scenes.shots]]\nid = \"a\"\naction = \"x\"\n";
  for (const char* bad : {"-2.0", "0", "1e9", "600.5", "inf"}) {
    Problem p = load_error(minimal(shot + "duration = " + bad + "\n"));
    EXPECT_EQ(p.code, "out-of-range") << bad;
    EXPECT_NE(p.what.find("'scenes[0].shots[0].duration' must "), std::string::npos) << p.what;
    EXPECT_EQ(p.where, "film.toml:15:12") << bad;
    EXPECT_NE(p.fix.find("duration = 2.0"), std::string::npos) << p.fix;
  }
  EXPECT_EQ(load_error(minimal(shot + "duration = -2.0\n")).what,
            "'scenes[0].shots[0].duration' must be greater than 0 and at most 600, got -2");
  Problem film_default = load_error("[film]\ntitle = \"t\"\ndefault_shot_duration = 1e9\n[style]\nblock = \"b\"\n[negative]\n");
  EXPECT_EQ(film_default.what, "'film.default_shot_duration' must be greater than 0 and at most 600, got 1000000000");
  Film longest = load_film_string(minimal(shot + "duration = 600\n"), "film.toml");
  EXPECT_EQ(longest.scenes[0].shots[0].duration, 600.0);
}

TEST(FilmLoader, ReportsEveryProblemOfAFileInOneRun) {
  const std::string text = minimal(R"([look]
lightning = "night"
pallete = "warm"
[render]
stepz = 3
[[scenes]]
id = "s"
[[scenes.shots]]
id = "a"
action = "x"
duration = -1
)");
  FilmCheck checked = check_film_string(text, "film.toml");
  EXPECT_FALSE(checked.film.has_value());
  ASSERT_EQ(checked.problems.size(), 4u);
  // In file order, each with its kind and position.
  EXPECT_EQ(checked.problems[0].code, "unknown-key");
  EXPECT_EQ(checked.problems[0].where, "film.toml:11:1");
  EXPECT_NE(checked.problems[0].fix.find("'lighting'"), std::string::npos);
  EXPECT_EQ(checked.problems[1].where, "film.toml:12:1");
  EXPECT_NE(checked.problems[1].fix.find("'palette'"), std::string::npos);
  EXPECT_EQ(checked.problems[2].where, "film.toml:14:1");
  EXPECT_NE(checked.problems[2].fix.find("'steps'"), std::string::npos);
  EXPECT_EQ(checked.problems[3].code, "out-of-range");

  // load_film_string throws the first one and says how many more there are.
  Problem first = load_error(text);
  EXPECT_EQ(first.where, "film.toml:11:1");
  EXPECT_NE(first.fix.find("3 more problem(s) in this file: `shotgen lint` lists them all"), std::string::npos) << first.fix;

  FilmCheck clean = check_film_string(minimal(), "film.toml");
  EXPECT_TRUE(clean.film.has_value());
  EXPECT_TRUE(clean.problems.empty());
}

TEST(FilmLoader, WrongTypesAndMissingKeysDoNotStopTheRest) {
  FilmCheck checked = check_film_string(R"([film]
fps = "24"
[negative]
format = ["a", 3]
[[scenes]]
title = "no id"
[[scenes.shots]]
action = 7
)",
                                        "film.toml");
  std::vector<std::string> kinds;
  for (const auto& p : checked.problems) kinds.push_back(p.code);
  // [style] and film.title missing, fps and format[1] mistyped, the scene's and the shot's id
  // missing, the action mistyped.
  EXPECT_EQ(kinds, (std::vector<std::string>{"missing-key", "missing-key", "wrong-type", "wrong-type", "missing-key",
                                              "missing-key", "wrong-type"}))
      << ::testing::PrintToString(kinds);
}

TEST(FilmLoader, ReferenceLibraryIsRead) {
  Film film = load_film_string("[film]\ntitle = \"t\"\nreference_library = \"/srv/refs\"\n[style]\nblock = \"b\"\n[negative]\n",
                               "film.toml");
  EXPECT_EQ(film.info.reference_library, "/srv/refs");
  EXPECT_EQ(load_film_string(minimal(), "film.toml").info.reference_library, "");
}

TEST(FilmLoader, UnknownReferenceDimensionSuggestsNearest) {
  Problem p = load_error(minimal("[[references]]\nid = \"r\"\nimage = \"r.png\"\nignore = [\"lightin\"]\n"));
  EXPECT_NE(p.fix.find("did you mean 'lighting'?"), std::string::npos) << p.fix;
  EXPECT_EQ(p.where, "film.toml:13:11");
}

TEST(FilmLoader, DuplicateIdsPointAtBothDefinitions) {
  Problem shot = load_error(minimal(R"([[scenes]]
id = "s1"
[[scenes.shots]]
id = "a"
action = "x"
[[scenes]]
id = "s2"
[[scenes.shots]]
id = "a"
action = "y"
)"));
  EXPECT_EQ(shot.what, "duplicate shot id 'a' at 'scenes[1].shots[0].id'");
  EXPECT_EQ(shot.where, "film.toml:18:6");
  EXPECT_NE(shot.fix.find("already used at film.toml:13:6"), std::string::npos) << shot.fix;

  Problem scene = load_error(minimal("[[scenes]]\nid = \"s\"\n[[scenes]]\nid = \"s\"\n"));
  EXPECT_EQ(scene.what, "duplicate scene id 's' at 'scenes[1].id'");

  Problem ref = load_error(minimal("[[references]]\nid = \"r\"\nimage = \"a.png\"\n[[references]]\nid = \"r\"\nimage = \"b.png\"\n"));
  EXPECT_EQ(ref.what, "duplicate reference id 'r' at 'references[1].id'");
}

TEST(FilmLoader, NewerFormatVersionIsRefusedBeforeKeyChecks) {
  // The unknown key would be an error too, but the version is the useful message.
  Problem p = load_error("format_version = 2\nfuture_key = 1\n" + minimal());
  EXPECT_NE(p.what.find("written by a newer shotgen"), std::string::npos) << p.what;
  EXPECT_EQ(p.where, "film.toml:1:18");
  EXPECT_EQ(p.fix, "upgrade shotgen");
  EXPECT_NE(load_error("format_version = 0\n" + minimal()).what.find("'format_version' must be 1, got 0"), std::string::npos);
}

TEST(FilmLoader, FileErrorsNameThePath) {
  testing::TempDir dir;
  auto path = dir.path() / "film.toml";
  testing::write_text(path, minimal("[look]\nlightning = \"night\"\n"));
  try {
    load_film_file(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().where, path.string() + ":11:1");
  }
  EXPECT_THROW(load_film_file(dir.path() / "missing.toml"), Error);
}

TEST(FilmLoader, AcceptedKeysAreUniquePerTable) {
  const auto& keys = accepted_keys();
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = i + 1; j < keys.size(); ++j)
      EXPECT_FALSE(keys[i].table == keys[j].table && keys[i].key == keys[j].key) << keys[i].table << "." << keys[i].key;
}

TEST(FilmLoader, ExampleProjectsLoad) {
  Film arcane = load_film_file(testing::projects_dir() / "arcane_short" / "film.toml");
  EXPECT_GE(arcane.scenes.size(), 3u);
  EXPECT_GE(arcane.shot_count(), 8u);
  ASSERT_NE(arcane.find_reference("palette_board"), nullptr);
  EXPECT_EQ(arcane.find_reference("palette_board")->use, std::vector<std::string>{"palette"});
  EXPECT_EQ(arcane.find_reference("palette_board")->ignore, (std::vector<std::string>{"lighting", "background"}));
  EXPECT_LE(arcane.negative.all_terms().size(), 12u);
  Film market = load_film_file(testing::projects_dir() / "night_market" / "film.toml");
  EXPECT_GE(market.scenes.size(), 2u);
  EXPECT_GE(market.shot_count(), 4u);
}

}  // namespace
}  // namespace shotgen::film
