// The palette lock: colours move toward the [look] palette's hues, keeping luma; grey stays grey;
// a monochrome palette desaturates; the Vulkan shader gives the CPU reference's pixels within 1/255.
#include <gtest/gtest.h>

#include <cmath>

#include "finish/palette_lock.h"
#include "finish/pixel_math.h"
#include "finish_fixtures.h"

namespace shotgen::finish {
namespace {

using testing::gpu;
using testing::max_difference;
using testing::noise_image;

Image single(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image image(1, 1);
  image.rgb = {r, g, b};
  return image;
}

float pixel_luma(const Image& image) { return luma(image.rgb[0] / 255.0f, image.rgb[1] / 255.0f, image.rgb[2] / 255.0f); }

// Hue in degrees of a pixel.
float hue(const Image& image) {
  const float r = image.rgb[0], g = image.rgb[1], b = image.rgb[2];
  const float mx = std::max({r, g, b}), mn = std::min({r, g, b});
  if (mx == mn) return 0;
  float h = mx == r ? std::fmod((g - b) / (mx - mn) + 6, 6.0f) : mx == g ? (b - r) / (mx - mn) + 2 : (r - g) / (mx - mn) + 4;
  return 60 * h;
}

float hue_distance(float a, float b) {
  const float d = std::fabs(a - b);
  return std::min(d, 360 - d);
}

TEST(PaletteLock, ReadsThePalettesOfTheLook) {
  EXPECT_EQ(palette_tones("warm")->name, "warm");
  EXPECT_EQ(palette_tones("Teal and Orange")->name, "teal and orange");
  EXPECT_EQ(palette_tones("cold blue tones")->name, "cool");
  EXPECT_EQ(palette_tones("black and white")->name, "monochrome");
  EXPECT_TRUE(palette_tones("black and white")->directions.empty());
  EXPECT_FALSE(palette_tones("psychedelic"));
}

TEST(PaletteLock, PullsHueTowardTheNearestToneAndKeepsLuma) {
  const auto teal_orange = *palette_tones("teal and orange");
  Image greenish_blue = single(40, 150, 120);  // hue ~164, teal is 185
  const float before = hue(greenish_blue);
  const float luma_before = pixel_luma(greenish_blue);
  palette_lock_reference(greenish_blue, teal_orange, 1.0f);
  EXPECT_LT(hue_distance(hue(greenish_blue), 185), hue_distance(before, 185) / 4);
  EXPECT_NEAR(pixel_luma(greenish_blue), luma_before, 1.5f / 255);

  Image reddish = single(200, 60, 50);  // hue ~4, orange is 28
  palette_lock_reference(reddish, teal_orange, 1.0f);
  EXPECT_LT(hue_distance(hue(reddish), 28), 6);
}

TEST(PaletteLock, GreyStaysGreyAndStrengthZeroChangesNothing) {
  Image grey_pixel = single(90, 90, 90);
  palette_lock_reference(grey_pixel, *palette_tones("warm"), 1.0f);
  EXPECT_EQ(grey_pixel, single(90, 90, 90));
  const Image original = noise_image(32, 16, 4);
  Image image = original;
  palette_lock_reference(image, *palette_tones("cool"), 0.0f);
  EXPECT_EQ(image, original);
}

TEST(PaletteLock, MonochromeDesaturates) {
  Image red = single(220, 30, 30);
  palette_lock_reference(red, *palette_tones("monochrome"), 1.0f);
  EXPECT_LE(std::abs(red.rgb[0] - red.rgb[1]), 1);
  EXPECT_LE(std::abs(red.rgb[1] - red.rgb[2]), 1);
}

TEST(PaletteLock, VulkanMatchesTheCpuReference) {
  for (const char* palette : {"warm", "cool", "teal and orange", "green tones", "pastel", "monochrome"}) {
    for (float strength : {1.0f, 0.3f}) {
      Image cpu = noise_image(70, 35, 11);
      Image vulkan = cpu;
      palette_lock_reference(cpu, *palette_tones(palette), strength);
      gpu().palette_lock(vulkan, *palette_tones(palette), strength);
      EXPECT_LE(max_difference(cpu, vulkan), 1) << palette << " " << strength;
    }
  }
}

}  // namespace
}  // namespace shotgen::finish
