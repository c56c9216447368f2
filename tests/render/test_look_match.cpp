// The look a take's prompt asks for against what its analysis measured.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "render/look_match.h"

namespace shotgen::render {
namespace {

nlohmann::json analysis(const std::string& palette, const std::string& key, const std::string& style,
                        const std::string& camera, const std::string& characters) {
  return {{"palette", {{"class", palette}, {"green_share", 0.0}}},
          {"key", {{"class", key}}},
          {"style", {{"class", style}}},
          {"camera", {{"class", camera}, {"dx", 0.0}}},
          {"characters", {{"class", characters}, {"count", 1.0}}}};
}

TEST(LookMatch, EveryNamedDimensionIsComparedWithItsMeasuredClass) {
  const auto look = look_match("painterly, one figure, push in, wide shot, night, teal and orange, rain",
                               analysis("teal and orange", "night", "painterly", "static camera", "a crowd"));
  ASSERT_EQ(look.asked(), 4);  // the figure count is not read (look_match.h says why)
  EXPECT_EQ(look.matched(), 3);
  EXPECT_EQ(look.checks[0].dimension, "palette");
  EXPECT_TRUE(look.checks[0].matches());
  EXPECT_EQ(look.checks[3].dimension, "camera");
  EXPECT_EQ(look.checks[3].asked, "push in");
  EXPECT_EQ(look.checks[3].measured, "static camera");
  EXPECT_FALSE(look.checks[3].matches());
  EXPECT_EQ(look.misses(), "camera: asked push in, measured static camera");
}

TEST(LookMatch, OnlyWhatThePromptNamesCounts) {
  // No palette or camera named; lens and composition are not measured.
  const auto look = look_match("hand-painted 2D animation, not photorealistic, wide-angle lens, rule of thirds, high-key",
                               analysis("warm palette", "high-key lighting", "painterly", "pan left", "one figure"));
  ASSERT_EQ(look.asked(), 2);
  EXPECT_EQ(look.checks[0].dimension, "lighting");
  EXPECT_EQ(look.checks[1].dimension, "style");
  EXPECT_EQ(look.checks[1].asked, "painterly");  // the earliest mention; the negated style is skipped
  EXPECT_EQ(look.matched(), 2);
  EXPECT_EQ(look.misses(), "");
  EXPECT_EQ(look_match("a quiet harbour at dawn", analysis("warm palette", "night", "painterly", "pan left", "one figure"))
                .asked(),
            0);
}

TEST(LookMatch, AMoveTheReframeDrewCountsAsTheMoveAndSaysSo) {
  const auto measured = analysis("teal and orange", "night", "painterly", "static camera", "a crowd");
  const auto look = look_match("push in, night, teal and orange", measured, {world::CameraMove::PushIn});
  ASSERT_EQ(look.asked(), 3);
  EXPECT_TRUE(look.as_asked());
  EXPECT_EQ(look.checks[2].drawn_by, "reframe");
  EXPECT_EQ(look.matched(), 3);
  EXPECT_EQ(look.drawn_matched(), 2);
  EXPECT_EQ(look.finishing_note(), "camera: push in drawn by the reframe");
  EXPECT_EQ(to_json(look)["checks"][2]["drawn_by"], "reframe");
  // Without it, or over a move the model drew, the analysis stands.
  EXPECT_EQ(look_match("push in, night, teal and orange", measured).finishing_note(), "");
  const auto drawn = look_match("push in, night", analysis("warm", "night", "painterly", "pan left", "one figure"),
                                {world::CameraMove::PushIn});
  EXPECT_EQ(drawn.checks[1].drawn_by, "");
  EXPECT_EQ(drawn.misses(), "camera: asked push in, measured pan left");
  EXPECT_FALSE(to_json(drawn)["checks"][1].contains("drawn_by"));
}

TEST(LookMatch, AStyleTheStyleTextureDrewCountsAsTheStyleAndSaysSo) {
  const auto measured = analysis("warm palette", "night", "painterly", "static camera", "a crowd");
  const auto look = look_match("photorealistic, push in, night", measured,
                               {world::CameraMove::PushIn, world::Style::Photoreal});
  ASSERT_EQ(look.asked(), 3);
  EXPECT_TRUE(look.as_asked());
  EXPECT_EQ(look.checks[1].drawn_by, "style texture");
  EXPECT_EQ(look.drawn_matched(), 1);
  EXPECT_EQ(look.finishing_note(),
            "style: photoreal drawn by the style texture; camera: push in drawn by the reframe");
  EXPECT_EQ(to_json(look)["checks"][1]["drawn_by"], "style texture");
  // A texture of another style than the prompt's (a record from another prompt) stands for nothing.
  const auto other = look_match("photorealistic, night", measured, {.texture = world::Style::Flat2D});
  EXPECT_EQ(other.checks[1].drawn_by, "");
  EXPECT_EQ(other.misses(), "style: asked photoreal, measured painterly");
}

TEST(LookMatch, APaletteThePaletteMatchDrewCountsAsThePaletteAndSaysSo) {
  const auto measured = analysis("green tones", "night", "painterly", "static camera", "one figure");
  const auto look = look_match("monochrome, night, hand-painted", measured, {.palette = world::Palette::Monochrome});
  ASSERT_EQ(look.asked(), 3);
  EXPECT_TRUE(look.as_asked());
  EXPECT_EQ(look.checks[0].measured, "monochrome");
  EXPECT_EQ(look.checks[0].drawn_by, "palette match");
  EXPECT_EQ(look.drawn_matched(), 2);
  EXPECT_EQ(look.finishing_note(), "palette: monochrome drawn by the palette match");
  EXPECT_EQ(to_json(look)["checks"][0]["drawn_by"], "palette match");
  // A palette of another record's prompt stands for nothing; the model's measure stands.
  const auto other = look_match("pastel, night", measured, {.palette = world::Palette::Monochrome});
  EXPECT_EQ(other.checks[0].drawn_by, "");
  EXPECT_EQ(other.misses(), "palette: asked pastel, measured green tones");
}

TEST(LookMatch, ARecordWithoutAnalysisMatchesNothing) {
  for (const auto& recorded : {nlohmann::json::object(), nlohmann::json(nullptr), nlohmann::json::array(),
                               nlohmann::json{{"palette", "warm palette"}}}) {
    const auto look = look_match("warm palette, night", recorded);
    EXPECT_EQ(look.asked(), 2);
    EXPECT_EQ(look.matched(), 0);
    EXPECT_EQ(look.misses(), "palette: asked warm palette, measured nothing; lighting: asked night, measured nothing");
  }
}

}  // namespace
}  // namespace shotgen::render
