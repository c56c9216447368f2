#include <gtest/gtest.h>

#include "render/reroute.h"

namespace shotgen::render {
namespace {

analyze::ClipAnalysis analysis(world::Palette palette, double green_share, world::Style style) {
  analyze::ClipAnalysis a;
  a.palette.palette = palette;
  a.palette.green_share = green_share;
  a.style.style = style;
  return a;
}

TEST(Reroute, GreenNegativeMissesOnGreenShareOrClass) {
  const std::vector<std::string> terms{"blurry", "green tones"};
  EXPECT_TRUE(has_measurable_negative(terms));
  const auto high = negative_miss(terms, analysis(world::Palette::Warm, 0.45, world::Style::Flat2D));
  ASSERT_TRUE(high);
  EXPECT_NE(high->find("green tones"), std::string::npos);
  EXPECT_NE(high->find("0.45"), std::string::npos);
  EXPECT_TRUE(negative_miss(terms, analysis(world::Palette::GreenTones, 0.1, world::Style::Flat2D)));
  EXPECT_FALSE(negative_miss(terms, analysis(world::Palette::Warm, kGreenShareLimit - 0.01, world::Style::Flat2D)));
}

TEST(Reroute, StyleNegativesIncluding3DRender) {
  for (const char* term : {"photorealistic", "live action", "3D render", "CGI"}) {
    const std::vector<std::string> terms{term};
    EXPECT_TRUE(negative_miss(terms, analysis(world::Palette::Warm, 0, world::Style::Photoreal))) << term;
    EXPECT_FALSE(negative_miss(terms, analysis(world::Palette::Warm, 0, world::Style::Painterly))) << term;
  }
}

TEST(Reroute, OtherPalettesByClass) {
  const std::vector<std::string> terms{"monochrome"};
  EXPECT_TRUE(negative_miss(terms, analysis(world::Palette::Monochrome, 0, world::Style::Flat2D)));
  EXPECT_FALSE(negative_miss(terms, analysis(world::Palette::Warm, 0, world::Style::Flat2D)));
}

TEST(Reroute, UnmeasurableNegativesNeverReroute) {
  const std::vector<std::string> terms{"extra fingers", "watermark", "blurry"};
  EXPECT_FALSE(has_measurable_negative(terms));
  EXPECT_FALSE(negative_miss(terms, analysis(world::Palette::GreenTones, 0.9, world::Style::Photoreal)));
}

}  // namespace
}  // namespace shotgen::render
