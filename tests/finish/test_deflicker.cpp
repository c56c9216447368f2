// The deflicker pass: shimmer on a steady or panning scene goes, a texture drawn anew each frame
// keeps its contrast, what really changes (a figure that moves, a flash) stays as drawn, and
// strength 0 or a one-frame clip changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "analyze/motion.h"
#include "analyze/planes.h"
#include "finish/deflicker.h"
#include "finish_fixtures.h"

namespace shotgen::finish {
namespace {

using testing::max_difference;

constexpr int kWidth = 96, kHeight = 48, kFrames = 10;

// A scene with shapes at several scales (ripples and 12-pixel checks); scene_frame looks at it through
// a window that a pan moves.
std::uint8_t scene_value(int x, int y, int channel) {
  const double v = 110 + 50 * std::sin(x * 0.21 + channel) * std::cos(y * 0.17) + ((x / 12 + y / 12) % 2 ? 30 : -30);
  return static_cast<std::uint8_t>(std::lround(v));
}

// Frame t of the scene panned by `pan` pixels per frame, with independent noise of +-`shimmer` on
// every pixel (what the model's redrawing looks like on a steady scene).
Image scene_frame(int t, int pan, int shimmer, std::uint32_t seed) {
  Image image(kWidth, kHeight);
  std::uint32_t state = seed * 2654435761u + static_cast<std::uint32_t>(t) * 40503u + 7;
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      for (int c = 0; c < 3; ++c) {
        state = state * 1664525u + 1013904223u;
        const int noise = shimmer ? static_cast<int>(state >> 24) % (2 * shimmer + 1) - shimmer : 0;
        image.pixel(x, y)[c] = static_cast<std::uint8_t>(std::clamp(scene_value(x + 40 - pan * t, y, c) + noise, 0, 255));
      }
  return image;
}

Clip scene_clip(int pan, int shimmer) {
  Clip clip;
  for (int t = 0; t < kFrames; ++t) clip.frames.push_back(scene_frame(t, pan, shimmer, 1));
  return clip;
}

double flicker(const Clip& clip) { return analyze::measure_motion(analyze::planes_of(clip)).flicker; }

// Mean |a - b| over every channel of every frame.
double mean_difference(const Clip& a, const Clip& b) {
  double sum = 0;
  std::size_t count = 0;
  for (std::size_t f = 0; f < a.frames.size(); ++f)
    for (std::size_t i = 0; i < a.frames[f].rgb.size(); ++i, ++count)
      sum += std::abs(int(a.frames[f].rgb[i]) - int(b.frames[f].rgb[i]));
  return sum / count;
}

TEST(Deflicker, ShimmerOnASteadySceneIsSteadiedTowardTheScene) {
  const Clip shimmering = scene_clip(0, 10);
  const Clip steadied = deflicker(shimmering, 1.0f);
  EXPECT_LT(flicker(steadied), 0.5 * flicker(shimmering)) << flicker(shimmering);
  // Toward the scene under the noise, not just smoother.
  const Clip clean = scene_clip(0, 0);
  EXPECT_LT(mean_difference(steadied, clean), 0.75 * mean_difference(shimmering, clean));
  // Half the strength, less steadying.
  EXPECT_GT(flicker(deflicker(shimmering, 0.5f)), flicker(steadied));
}

TEST(Deflicker, APanIsFollowedNotSmeared) {
  const Clip shimmering = scene_clip(2, 10);
  const Clip steadied = deflicker(shimmering, 1.0f);
  EXPECT_LT(flicker(steadied), 0.5 * flicker(shimmering));
  const analyze::MotionMeasure motion = analyze::measure_motion(analyze::planes_of(steadied));
  EXPECT_DOUBLE_EQ(motion.dx, 2.0);
  EXPECT_EQ(motion.camera, world::CameraMove::PanLeft);
  EXPECT_LT(mean_difference(steadied, scene_clip(2, 0)), 0.75 * mean_difference(shimmering, scene_clip(2, 0)));
}

TEST(Deflicker, TextureRedrawnEveryFrameKeepsItsContrast) {
  // A painted wall: flat colour under a brush texture the model draws anew each frame. Mixing two
  // unaligned drawings cancels part of the texture; the pass gives the frame its drawn contrast back.
  Clip clip;
  for (int t = 0; t < kFrames; ++t) {
    Image frame = scene_frame(t, 0, 12, 3);
    for (int y = 0; y < kHeight; ++y)
      for (int x = 0; x < kWidth; ++x)
        for (int c = 0; c < 3; ++c)
          frame.pixel(x, y)[c] = static_cast<std::uint8_t>(std::clamp(frame.pixel(x, y)[c] - scene_value(x + 40, y, c) + 120, 0, 255));
    clip.frames.push_back(frame);
  }
  const Clip steadied = deflicker(clip, 1.0f);
  auto texture = [](const Clip& c) {
    double energy = 0;
    for (const Image& frame : c.frames) {
      const analyze::Planes p = analyze::planes_of(frame);
      for (int y = 1; y + 1 < p.height; ++y)
        for (int x = 1; x + 1 < p.width; ++x)
          energy += std::abs(4 * p.at(x, y) - p.at(x - 1, y) - p.at(x + 1, y) - p.at(x, y - 1) - p.at(x, y + 1));
    }
    return energy;
  };
  EXPECT_GT(texture(steadied), 0.9 * texture(clip));
  EXPECT_LT(flicker(steadied), 0.8 * flicker(clip));
}

TEST(Deflicker, AMovingFigureKeepsItsPlaceAndLeavesNoGhost) {
  // A dark 8x12 figure walks 4 pixels a frame across the steady scene.
  Clip clip = scene_clip(0, 0);
  auto figure_at = [](int t, int x, int y) { return x >= 10 + 4 * t && x < 18 + 4 * t && y >= 20 && y < 32; };
  for (int t = 0; t < kFrames; ++t)
    for (int y = 0; y < kHeight; ++y)
      for (int x = 0; x < kWidth; ++x)
        if (figure_at(t, x, y)) clip.frames[t].pixel(x, y)[0] = clip.frames[t].pixel(x, y)[1] = clip.frames[t].pixel(x, y)[2] = 10;
  const Clip steadied = deflicker(clip, 1.0f);
  // Nothing shimmered, so nothing changes: not the figure, not where it was a frame before.
  EXPECT_LE(max_difference(steadied.frames[5], clip.frames[5]), 2);
  for (int t = 1; t < kFrames; ++t) EXPECT_EQ(steadied.frames[t].pixel(10 + 4 * t - 2, 25)[0], clip.frames[t].pixel(10 + 4 * t - 2, 25)[0]) << t;
}

TEST(Deflicker, AFlashStaysAFlash) {
  Clip clip = scene_clip(0, 6);
  for (auto& v : clip.frames[5].rgb) v = static_cast<std::uint8_t>(std::min(255, v + 70));
  const Clip steadied = deflicker(clip, 1.0f);
  auto mean = [](const Image& image) {
    double sum = 0;
    for (auto v : image.rgb) sum += v;
    return sum / image.rgb.size();
  };
  EXPECT_NEAR(mean(steadied.frames[5]), mean(clip.frames[5]), 2.0);
  EXPECT_NEAR(mean(steadied.frames[4]), mean(clip.frames[4]), 2.0);  // and nothing of it leaks into its neighbours
  EXPECT_NEAR(mean(steadied.frames[6]), mean(clip.frames[6]), 2.0);
}

TEST(Deflicker, StrengthZeroAndOneFrameChangeNothing) {
  const Clip clip = scene_clip(0, 10);
  EXPECT_EQ(deflicker(clip, 0.0f), clip);
  Clip one;
  one.frames.push_back(clip.frames[0]);
  EXPECT_EQ(deflicker(one, 1.0f), one);
  EXPECT_EQ(deflicker(Clip{}, 1.0f), Clip{});
  Clip tiny;
  tiny.frames = {testing::noise_image(2, 2, 1), testing::noise_image(2, 2, 2)};
  EXPECT_EQ(deflicker(tiny, 1.0f), tiny);
}

TEST(Deflicker, SameClipSamePixels) { EXPECT_EQ(deflicker(scene_clip(1, 8), 0.8f), deflicker(scene_clip(1, 8), 0.8f)); }

}  // namespace
}  // namespace shotgen::finish
