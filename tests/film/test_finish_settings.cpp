// [finish] in film.toml: read at film, scene and shot level, merged like looks, written back,
// checked strictly (unknown pass, ranges), and its JSON form for the database.
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "film/film_loader.h"
#include "film/film_writer.h"

namespace shotgen::film {
namespace {

const std::string kFilm = R"([film]
title = "Test"

[style]
block = "hand-painted 2D animation"

[negative]
format = ["live action"]

[finish]
passes = ["upscale", "grade", "grain"]
lut = "luts/warm.cube"
grain = 0.05
grain_size = 1.5

[[scenes]]
id = "s1"
finish = { grain = 0.1, lut_interpolation = "trilinear" }

[[scenes.shots]]
id = "a"
action = "a lamplighter walks"
transition = "dip_to_black"
finish = { passes = ["letterbox"], aspect = 2.39 }

[[scenes.shots]]
id = "b"
action = "rain"
)";

Problem load_error(const std::string& text) {
  try {
    load_film_string(text, "film.toml");
  } catch (const Error& e) {
    return e.problem();
  }
  ADD_FAILURE() << "expected an error for:\n" << text;
  return {};
}

// `text` with its first `old_text` replaced by `new_text`.
std::string replaced(std::string text, const std::string& old_text, const std::string& new_text) {
  return text.replace(text.find(old_text), old_text.size(), new_text);
}

TEST(FinishSettings, LoadsEveryLevel) {
  const Film film = load_film_string(kFilm, "film.toml");
  ASSERT_TRUE(film.finish.passes);
  EXPECT_EQ(*film.finish.passes, (std::vector{FinishPass::Upscale, FinishPass::Grade, FinishPass::Grain}));
  EXPECT_EQ(film.finish.lut, "luts/warm.cube");
  EXPECT_EQ(film.finish.grain, 0.05);
  EXPECT_EQ(film.finish.grain_size, 1.5);
  EXPECT_FALSE(film.finish.aspect);
  EXPECT_EQ(film.scenes[0].finish.grain, 0.1);
  EXPECT_EQ(film.scenes[0].finish.lut_interpolation, LutInterpolation::Trilinear);
  EXPECT_EQ(film.scenes[0].shots[0].finish.aspect, 2.39);
  EXPECT_EQ(film.scenes[0].shots[0].transition, Transition::DipToBlack);
  EXPECT_TRUE(film.scenes[0].shots[1].finish.empty());
}

TEST(FinishSettings, LowerLevelsOverrideKeyByKey) {
  const Film film = load_film_string(kFilm, "film.toml");
  const FinishSettings merged =
      film.finish.overridden_by(film.scenes[0].finish).overridden_by(film.scenes[0].shots[0].finish);
  EXPECT_EQ(*merged.passes, std::vector{FinishPass::Letterbox});  // the list is replaced, not extended
  EXPECT_EQ(merged.grain, 0.1);                                     // the scene's
  EXPECT_EQ(merged.grain_size, 1.5);                                // the film's
  EXPECT_EQ(merged.lut, "luts/warm.cube");
  EXPECT_EQ(merged.aspect, 2.39);
}

TEST(FinishSettings, UnknownPassIsAnErrorWithTheNearestName) {
  std::string text = kFilm;
  text.replace(text.find("\"grade\""), 7, "\"graed\"");
  const Problem problem = load_error(text);
  EXPECT_EQ(problem.code, "unknown-value");
  EXPECT_EQ(problem.where, "film.toml:11:22");
  EXPECT_NE(problem.what.find("unknown finishing pass 'graed' at 'finish.passes[1]'"), std::string::npos) << problem.what;
  EXPECT_NE(problem.fix.find("did you mean 'grade'?"), std::string::npos) << problem.fix;
}

TEST(FinishSettings, OutOfRangeAndUnknownKeysAreErrors) {
  std::string grain = kFilm;
  grain.replace(grain.find("grain = 0.05"), 12, "grain = 1.5");
  EXPECT_EQ(load_error(grain).code, "out-of-range");
  std::string size = kFilm;
  size.replace(size.find("grain_size = 1.5"), 16, "grain_size = 0");
  EXPECT_NE(load_error(size).what.find("'finish.grain_size' must be from 0.5 to 8"), std::string::npos);
  std::string key = kFilm;
  key.replace(key.find("grain_size"), 10, "grain_sise");
  const Problem unknown = load_error(key);
  EXPECT_EQ(unknown.code, "unknown-key");
  EXPECT_NE(unknown.fix.find("did you mean 'grain_size'?"), std::string::npos) << unknown.fix;
}

TEST(FinishSettings, DeflickerStrengthIsReadMergedWrittenAndChecked) {
  const std::string text =
      replaced(replaced(kFilm, R"(passes = ["upscale", "grade", "grain"])", "passes = [\"deflicker\", \"upscale\"]\ndeflicker = 0.6"),
               "finish = { grain = 0.1,", "finish = { deflicker = 0.9, grain = 0.1,");
  const Film film = load_film_string(text, "film.toml");
  EXPECT_EQ(*film.finish.passes, (std::vector{FinishPass::Deflicker, FinishPass::Upscale}));
  EXPECT_EQ(film.finish.deflicker, 0.6);
  EXPECT_EQ(film.finish.overridden_by(film.scenes[0].finish).deflicker, 0.9);
  const std::string written = write_film_toml(film);
  EXPECT_NE(written.find("deflicker = 0.6\n"), std::string::npos) << written;
  EXPECT_EQ(load_film_string(written, "export.toml"), film);
  EXPECT_EQ(finish_settings_from_json(finish_settings_to_json(film.finish)), film.finish);

  const Problem problem = load_error(replaced(text, "deflicker = 0.6", "deflicker = 1.5"));
  EXPECT_EQ(problem.code, "out-of-range");
  EXPECT_NE(problem.what.find("'finish.deflicker' must be from 0 to 1"), std::string::npos) << problem.what;
}

TEST(FinishSettings, ReframeZoomIsReadMergedWrittenAndChecked) {
  const std::string text =
      replaced(replaced(kFilm, R"(passes = ["upscale", "grade", "grain"])", "passes = [\"reframe\", \"upscale\"]\nreframe_zoom = 1.2"),
               "finish = { grain = 0.1,", "finish = { reframe_zoom = 1.6, grain = 0.1,");
  const Film film = load_film_string(text, "film.toml");
  EXPECT_EQ(*film.finish.passes, (std::vector{FinishPass::Reframe, FinishPass::Upscale}));
  EXPECT_EQ(finish_pass_name(FinishPass::Reframe), "reframe");
  EXPECT_EQ(film.finish.reframe_zoom, 1.2);
  EXPECT_EQ(film.finish.overridden_by(film.scenes[0].finish).reframe_zoom, 1.6);
  const std::string written = write_film_toml(film);
  EXPECT_NE(written.find("reframe_zoom = 1.2\n"), std::string::npos) << written;
  EXPECT_EQ(load_film_string(written, "export.toml"), film);
  EXPECT_EQ(finish_settings_from_json(finish_settings_to_json(film.finish)), film.finish);

  // 1: no move at all; beyond 2 the crop shows under a quarter of the drawn frame.
  for (const char* zoom : {"reframe_zoom = 1.0", "reframe_zoom = 2.5"}) {
    const Problem problem = load_error(replaced(text, "reframe_zoom = 1.2", zoom));
    EXPECT_EQ(problem.code, "out-of-range") << zoom;
    EXPECT_NE(problem.what.find("'finish.reframe_zoom' must be from 1.05 to 2"), std::string::npos) << problem.what;
  }
}

TEST(FinishSettings, WriterRoundTripsEveryLevel) {
  const Film film = load_film_string(kFilm, "film.toml");
  const std::string text = write_film_toml(film);
  EXPECT_NE(text.find("[finish]\npasses = [\"upscale\", \"grade\", \"grain\"]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("finish = { passes = [\"letterbox\"], aspect = 2.39 }"), std::string::npos) << text;
  EXPECT_NE(text.find("transition = \"dip_to_black\""), std::string::npos) << text;
  EXPECT_EQ(load_film_string(text, "export.toml"), film);
}

TEST(FinishSettings, JsonFormRoundTripsAndRefusesUnknownNames) {
  const Film film = load_film_string(kFilm, "film.toml");
  const FinishSettings merged = film.finish.overridden_by(film.scenes[0].finish);
  const auto json = finish_settings_to_json(merged);
  EXPECT_EQ(json["passes"], nlohmann::json({"upscale", "grade", "grain"}));
  EXPECT_FALSE(json.contains("aspect"));
  EXPECT_EQ(finish_settings_from_json(json), merged);
  EXPECT_THROW(finish_settings_from_json({{"passes", {"sharpen"}}}), Error);
}

}  // namespace
}  // namespace shotgen::film
