// Film grain: deterministic per seed and frame, of the asked-for strength and size, strongest in
// the mid-tones; the Vulkan shader gives the CPU reference's pixels within 1/255.
#include <gtest/gtest.h>

#include <cmath>

#include "finish/grain.h"
#include "finish_fixtures.h"

namespace shotgen::finish {
namespace {

using testing::gpu;
using testing::max_difference;
using testing::noise_image;

Image grey(int width, int height, std::uint8_t value) {
  Image image(width, height);
  std::fill(image.rgb.begin(), image.rgb.end(), value);
  return image;
}

// Standard deviation of the green channel around `mean`.
double deviation(const Image& image, double mean) {
  double sum = 0;
  for (std::size_t i = 1; i < image.rgb.size(); i += 3) sum += std::pow(image.rgb[i] - mean, 2);
  return std::sqrt(sum / (image.rgb.size() / 3));
}

// Mean absolute difference between horizontally adjacent pixels: high for fine grain.
double roughness(const Image& image) {
  double sum = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 1; x < image.width; ++x) sum += std::abs(image.pixel(x, y)[1] - image.pixel(x - 1, y)[1]);
  return sum / (image.height * (image.width - 1));
}

TEST(Grain, SameSeedAndFrameGiveTheSameGrain) {
  Image a = grey(64, 32, 128), b = a, other_seed = a, other_frame = a;
  const GrainParams params{0.05f, 1.0f};
  grain_reference(a, params, 7, 0);
  grain_reference(b, params, 7, 0);
  grain_reference(other_seed, params, 8, 0);
  grain_reference(other_frame, params, 7, 1);
  EXPECT_EQ(a, b);
  EXPECT_GT(max_difference(a, other_seed), 0);
  EXPECT_GT(max_difference(a, other_frame), 0);
}

TEST(Grain, StrengthIsTheStandardDeviationAtMidGrey) {
  Image image = grey(256, 128, 128);
  grain_reference(image, {0.04f, 1.0f}, 3, 0);
  EXPECT_NEAR(deviation(image, 128), 0.04 * 255, 0.04 * 255 * 0.15);
  Image untouched = grey(16, 16, 128);
  grain_reference(untouched, {0.0f, 1.0f}, 3, 0);
  EXPECT_EQ(untouched, grey(16, 16, 128));
}

TEST(Grain, IsWeakerInShadowsThanInMidTones) {
  Image mid = grey(128, 64, 128), dark = grey(128, 64, 12);
  grain_reference(mid, {0.05f, 1.0f}, 3, 0);
  grain_reference(dark, {0.05f, 1.0f}, 3, 0);
  EXPECT_LT(deviation(dark, 12), 0.6 * deviation(mid, 128));
}

TEST(Grain, LargerSizeIsCoarser) {
  Image fine = grey(128, 64, 128), coarse = fine;
  grain_reference(fine, {0.05f, 1.0f}, 3, 0);
  grain_reference(coarse, {0.05f, 4.0f}, 3, 0);
  EXPECT_LT(roughness(coarse), 0.5 * roughness(fine));
}

TEST(Grain, SeedOfATakeUsesAllItsBits) {
  EXPECT_NE(grain_seed(1), grain_seed(1 + (1ull << 40)));
}

TEST(Grain, VulkanMatchesTheCpuReference) {
  for (float size : {0.5f, 1.0f, 1.5f, 3.7f}) {
    Image cpu = noise_image(131, 67, 9);
    Image vulkan = cpu;
    grain_reference(cpu, {0.08f, size}, 0xdeadbeef, 5);
    gpu().grain(vulkan, {0.08f, size}, 0xdeadbeef, 5);
    EXPECT_LE(max_difference(cpu, vulkan), 1) << "size " << size;
  }
}

}  // namespace
}  // namespace shotgen::finish
