// The grade pass: a 3D LUT applied tetrahedrally or trilinearly, mixed by strength; the Vulkan
// shader gives the CPU reference's pixels within 1/255.
#include <gtest/gtest.h>

#include "finish/cube_lut.h"
#include "finish/lut_grade.h"
#include "finish_fixtures.h"

namespace shotgen::finish {
namespace {

using testing::gpu;
using testing::max_difference;
using testing::noise_image;

// A LUT that is not linear (a contrast curve per channel and a warm shift), so the two
// interpolations and the lattice lookups all matter.
CubeLut warm_contrast_cube(int size) {
  CubeLut lut = identity_cube(size);
  for (std::size_t i = 0; i < lut.table.size(); i += 3) {
    for (int c = 0; c < 3; ++c) {
      const float x = lut.table[i + c];
      lut.table[i + c] = x * x * (3 - 2 * x);
    }
    lut.table[i] = std::min(1.0f, lut.table[i] * 1.1f);
    lut.table[i + 2] *= 0.85f;
  }
  return lut;
}

TEST(Grade, IdentityLutLeavesEveryPixel) {
  const Image original = noise_image(64, 32, 1);
  for (auto interpolation : {film::LutInterpolation::Tetrahedral, film::LutInterpolation::Trilinear}) {
    Image image = original;
    grade_reference(image, identity_cube(17), interpolation, 1.0f);
    EXPECT_LE(max_difference(image, original), 1);
  }
}

TEST(Grade, InvertingLutInvertsAndStrengthMixes) {
  CubeLut invert = identity_cube(2);
  for (float& v : invert.table) v = 1.0f - v;
  Image image(1, 1);
  image.rgb = {10, 128, 250};
  Image full = image;
  grade_reference(full, invert, film::LutInterpolation::Tetrahedral, 1.0f);
  EXPECT_EQ(full.rgb, (std::vector<std::uint8_t>{245, 127, 5}));
  Image none = image;
  grade_reference(none, invert, film::LutInterpolation::Tetrahedral, 0.0f);
  EXPECT_EQ(none.rgb, image.rgb);
  Image quarter = image;
  grade_reference(quarter, invert, film::LutInterpolation::Trilinear, 0.25f);
  EXPECT_EQ(quarter.rgb, (std::vector<std::uint8_t>{69, 128, 189}));
}

TEST(Grade, DomainMapsInputBeforeTheLattice) {
  CubeLut lut = identity_cube(2);
  lut.domain_max = {2.0f, 2.0f, 2.0f};  // input 1.0 is half-way along the lattice
  Image image(1, 1);
  image.rgb = {255, 0, 0};
  grade_reference(image, lut, film::LutInterpolation::Tetrahedral, 1.0f);
  EXPECT_EQ(image.rgb[0], 128);
}

TEST(Grade, TetrahedralAndTrilinearDifferOnACurvedLut) {
  const CubeLut lut = warm_contrast_cube(5);
  Image tetrahedral = noise_image(64, 32, 2), trilinear = tetrahedral;
  grade_reference(tetrahedral, lut, film::LutInterpolation::Tetrahedral, 1.0f);
  grade_reference(trilinear, lut, film::LutInterpolation::Trilinear, 1.0f);
  EXPECT_GT(max_difference(tetrahedral, trilinear), 0);
}

TEST(Grade, VulkanMatchesTheCpuReference) {
  const CubeLut lut = warm_contrast_cube(17);
  for (auto interpolation : {film::LutInterpolation::Tetrahedral, film::LutInterpolation::Trilinear}) {
    for (float strength : {1.0f, 0.6f}) {
      Image cpu = noise_image(67, 41, 3);  // not a multiple of the 8x8 workgroup
      Image vulkan = cpu;
      grade_reference(cpu, lut, interpolation, strength);
      gpu().grade(vulkan, lut, interpolation, strength);
      EXPECT_LE(max_difference(cpu, vulkan), 1) << film::lut_interpolation_name(interpolation) << " " << strength;
    }
  }
}

}  // namespace
}  // namespace shotgen::finish
