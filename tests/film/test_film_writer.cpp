#include <gtest/gtest.h>

#include "core/error.h"
#include "film/film_loader.h"
#include "film/film_writer.h"
#include "support/test_support.h"

namespace shotgen::film {
namespace {

Film round_trip(const Film& film) { return load_film_string(write_film_toml(film), "exported.toml"); }

// A film that sets every field, several to values that need escaping or are not the defaults.
Film film_with_every_field() {
  Film film;
  film.info = {"Quote \" and \\ backslash\tand tab", 23.976, {1920, 1088}, 0.1, SeedPolicy::Fixed, 9223372036854775807ull,
               "../shared \"refs\""};
  film.style.text = "line one\nline two — with unicode é";
  film.negative = {{"live action"}, {"extra fingers", "merged faces"}, {"blurry"}, {"logo"}};
  for (LookField f : all_look_fields()) film.look.get(f) = "film " + std::string(look_field_key(f));
  film.render = {{128, 64}, 30, 7.5, 1.25, 0.15};
  film.routing.fallback = {"turbo"};
  RouteRule rule;
  rule.tag = "hero";
  rule.scene = "s1";
  rule.shot = "a";
  rule.mode = "final";
  rule.backends = {"final", "turbo"};
  film.routing.rules = {rule, RouteRule{std::nullopt, std::nullopt, std::nullopt, "draft", {"turbo"}, ""}};
  film.references.push_back({"board", "references/board.png", {"palette", "texture"}, {"lighting"}, "a board", ""});
  film.references.push_back({"bare", "bare.png", {}, {}, "", ""});

  Scene scene;
  scene.id = "s1";
  scene.title = "One";
  scene.look.get(LookField::Palette) = "";  // set but empty is distinct from unset
  scene.negative = {"fog"};
  Shot full;
  full.id = "a";
  full.action = "one character walks";
  full.duration = 0.1 + 0.2;  // not exactly representable in short decimal
  full.look.get(LookField::CameraMove) = "pan left";
  full.negative = {"rain"};
  full.references = {"board"};
  full.tags = {"hero", "night"};
  full.route = "final";
  full.seed = 0;
  full.takes = 4;
  full.transition = Transition::Crossfade;
  full.transition_seconds = 1e-3;
  Shot bare;
  bare.id = "b";
  bare.action = "";
  scene.shots = {full, bare};
  Scene empty_scene;
  empty_scene.id = "s2";
  film.scenes = {scene, empty_scene};
  return film;
}

TEST(FilmWriter, RoundTripsEveryField) {
  Film film = film_with_every_field();
  Film again = round_trip(film);
  EXPECT_EQ(again, film) << write_film_toml(film);
  // Exporting the reloaded film gives the same text: the order of keys is stable.
  EXPECT_EQ(write_film_toml(again), write_film_toml(film));
}

TEST(FilmWriter, RoundTripsDefaultFilm) {
  Film film;
  film.info.title = "Defaults";
  EXPECT_EQ(round_trip(film), film);
}

TEST(FilmWriter, RoundTripsExampleProjects) {
  for (const char* name : {"arcane_short", "night_market"}) {
    Film film = load_film_file(testing::projects_dir() / name / "film.toml");
    EXPECT_EQ(round_trip(film), film) << name;
  }
}

TEST(FilmWriter, WritesReadableTomlInSchemaOrder) {
  Film film = film_with_every_field();
  std::string text = write_film_toml(film);
  auto pos = [&](const std::string& needle) { return text.find(needle); };
  EXPECT_LT(pos("format_version = 1"), pos("[film]"));
  EXPECT_LT(pos("[film]"), pos("[style]"));
  EXPECT_LT(pos("[style]"), pos("[negative]"));
  EXPECT_LT(pos("[negative]"), pos("[look]"));
  EXPECT_LT(pos("[routing]"), pos("[[references]]"));
  EXPECT_LT(pos("[[references]]"), pos("[[scenes]]"));
  EXPECT_NE(pos("look = { camera_move = \"pan left\" }"), std::string::npos) << text;
  EXPECT_NE(pos("fps = 23.976\n"), std::string::npos);
  // Defaults of a shot are left out so exported shots stay short.
  Film plain;
  plain.info.title = "t";
  Shot shot;
  shot.id = "x";
  shot.action = "y";
  Scene scene;
  scene.id = "s";
  scene.shots = {shot};
  plain.scenes = {scene};
  std::string plain_text = write_film_toml(plain);
  EXPECT_EQ(plain_text.find("takes"), std::string::npos);
  EXPECT_EQ(plain_text.find("transition"), std::string::npos);
}

TEST(FilmWriter, QuotesAndEscapes) {
  EXPECT_EQ(toml_quoted("plain"), "\"plain\"");
  EXPECT_EQ(toml_quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(toml_quoted(std::string("x\x01y", 3)), "\"x\\u0001y\"");
}

TEST(FilmWriter, SeedTooLargeForTomlIsAnError) {
  Film film;
  film.info.title = "t";
  film.info.base_seed = 9223372036854775808ull;
  EXPECT_THROW(write_film_toml(film), Error);
}

}  // namespace
}  // namespace shotgen::film
