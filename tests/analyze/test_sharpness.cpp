#include "analyze/sharpness.h"

#include <gtest/gtest.h>

#include "core/error.h"

using namespace shotgen;
using namespace shotgen::analyze;

namespace {

// A dark square on a light ground: one crisp shape.
Image square(int w, int h) {
  Image image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const bool inside = x >= w / 4 && x < 3 * w / 4 && y >= h / 4 && y < 3 * h / 4;
      for (int c = 0; c < 3; ++c) image.pixel(x, y)[c] = inside ? 30 : 220;
    }
  return image;
}

Image box_blurred(const Image& in, int radius) {
  Image out(in.width, in.height);
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x)
      for (int c = 0; c < 3; ++c) {
        int sum = 0, n = 0;
        for (int dy = -radius; dy <= radius; ++dy)
          for (int dx = -radius; dx <= radius; ++dx) {
            const int xx = std::clamp(x + dx, 0, in.width - 1), yy = std::clamp(y + dy, 0, in.height - 1);
            sum += in.pixel(xx, yy)[c];
            ++n;
          }
        out.pixel(x, y)[c] = static_cast<std::uint8_t>(sum / n);
      }
  return out;
}

}  // namespace

TEST(Sharpness, BlurLowersStructure) {
  const Image crisp = square(64, 32);
  const SharpnessMeasure sharp = measure_sharpness(Clip{{crisp}});
  const SharpnessMeasure blurred = measure_sharpness(Clip{{box_blurred(crisp, 2)}});
  EXPECT_GT(sharp.structure, 100.0);  // a 190-level step edge
  EXPECT_LT(blurred.structure, 0.5 * sharp.structure);
  EXPECT_NEAR(sharp.isolated_noise, 0.0, 0.5);
}

TEST(Sharpness, IsolatedPixelsAreNoiseNotStructure) {
  const Image crisp = square(64, 32);
  Image speckled = crisp;
  for (int y = 1; y < 32; y += 4)
    for (int x = 1; x < 64; x += 4)
      for (int c = 0; c < 3; ++c) speckled.pixel(x, y)[c] = static_cast<std::uint8_t>(255 - speckled.pixel(x, y)[c]);
  const SharpnessMeasure clean = measure_sharpness(Clip{{crisp}});
  const SharpnessMeasure noisy = measure_sharpness(Clip{{speckled}});
  EXPECT_GT(noisy.isolated_noise, 5.0);
  // The median filter removes single pixels: the shape's edges measure (nearly) the same.
  EXPECT_NEAR(noisy.structure, clean.structure, 0.05 * clean.structure);
}

TEST(Sharpness, AveragesFramesAndRejectsEmptyClips) {
  const Image crisp = square(32, 16);
  const SharpnessMeasure one = measure_sharpness(Clip{{crisp}});
  const SharpnessMeasure two = measure_sharpness(Clip{{crisp, box_blurred(crisp, 3)}});
  EXPECT_LT(two.structure, one.structure);
  EXPECT_THROW(measure_sharpness(Clip{}), Error);
  EXPECT_THROW(measure_sharpness(Clip{{Image(2, 2)}}), Error);
}
