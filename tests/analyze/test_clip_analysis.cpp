// Analyzer accuracy on the world's own clips, where the truth is known.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "analyze/clip_analysis.h"
#include "core/error.h"
#include "world/sample.h"
#include "world/world.h"

using namespace shotgen;
using namespace shotgen::world;

namespace {

struct Accuracy {
  double palette = 0, key = 0, style = 0, camera = 0, characters = 0;
  double green_share_green = 0, green_share_other = 0;
  double flicker_clear = 0;
};

// `count` clips with seeds from `first`, each analysed and compared with its attributes.
Accuracy measure(int count, int width, int height, std::uint64_t first) {
  Accuracy acc;
  int green = 0, other = 0, clear = 0;
  for (int i = 0; i < count; ++i) {
    Rng rng(first + i);
    const ClipAttributes a = sample_attributes(rng);
    const analyze::ClipAnalysis r = analyze::analyze_clip(render_clip(a, 8, width, height, rng.next()));
    acc.palette += r.palette.palette == a.palette;
    acc.key += r.key.lighting == a.lighting;
    acc.style += r.style.style == a.style;
    acc.camera += r.motion.camera == a.camera;
    acc.characters += r.characters.characters == a.characters;
    if (a.palette == Palette::GreenTones) acc.green_share_green += r.palette.green_share, ++green;
    else acc.green_share_other += r.palette.green_share, ++other;
    if (a.atmosphere == Atmosphere::Clear || a.atmosphere == Atmosphere::Fog)
      acc.flicker_clear += r.motion.flicker, ++clear;
  }
  for (double* v : {&acc.palette, &acc.key, &acc.style, &acc.camera, &acc.characters}) *v /= count;
  acc.green_share_green /= std::max(green, 1);
  acc.green_share_other /= std::max(other, 1);
  acc.flicker_clear /= std::max(clear, 1);
  std::printf(
      "[ accuracy ] %dx%d, %d clips: palette %.3f  key %.3f  style %.3f  camera %.3f  characters %.3f  "
      "green share %.3f (green tones) vs %.3f  flicker (clear/fog) %.2f\n",
      width, height, count, acc.palette, acc.key, acc.style, acc.camera, acc.characters, acc.green_share_green,
      acc.green_share_other, acc.flicker_clear);
  return acc;
}

Clip textured_clip(int frames, int width, int height, int dx, int dy, std::uint64_t salt) {
  Clip clip;
  for (int t = 0; t < frames; ++t) {
    Image f(width, height);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        // Blocky world texture sampled where the content has moved to: content moves by (dx, dy).
        const int wx = (x - dx * t) / 3, wy = (y - dy * t) / 3;
        const auto v = static_cast<std::uint8_t>(40 + 180 * hash01(wx, wy, salt));
        f.pixel(x, y)[0] = v, f.pixel(x, y)[1] = v, f.pixel(x, y)[2] = static_cast<std::uint8_t>(255 - v);
      }
    clip.frames.push_back(std::move(f));
  }
  return clip;
}

}  // namespace

TEST(ClipAnalysis, AccuracyOnWorldClips64x32) {
  const Accuracy acc = measure(200, 64, 32, 500000);
  EXPECT_GE(acc.palette, 0.90);
  EXPECT_GE(acc.key, 0.85);
  EXPECT_GE(acc.style, 0.85);
  EXPECT_GE(acc.camera, 0.85);
  EXPECT_GE(acc.characters, 0.80);
  EXPECT_GT(acc.green_share_green, 3 * acc.green_share_other);
  EXPECT_LT(acc.flicker_clear, 3.0);
}

TEST(ClipAnalysis, AccuracyAtOtherSizes) {
  // Square frames leave less room across for figures: character counting is weaker there.
  for (auto [w, h] : {std::pair{32, 32}, {128, 64}}) {
    const Accuracy acc = measure(60, w, h, 600000);
    EXPECT_GE(acc.palette, 0.90) << w << "x" << h;
    EXPECT_GE(acc.key, 0.85) << w << "x" << h;
    EXPECT_GE(acc.style, 0.80) << w << "x" << h;
    EXPECT_GE(acc.camera, 0.85) << w << "x" << h;
    EXPECT_GE(acc.characters, 0.60) << w << "x" << h;
  }
}

TEST(ClipAnalysis, CameraSignConventionOnSyntheticMotion) {
  // Content moving right is a pan left; moving down is a tilt up.
  EXPECT_EQ(analyze::analyze_clip(textured_clip(6, 64, 32, 2, 0, 1)).motion.camera, CameraMove::PanLeft);
  EXPECT_EQ(analyze::analyze_clip(textured_clip(6, 64, 32, -2, 0, 2)).motion.camera, CameraMove::PanRight);
  EXPECT_EQ(analyze::analyze_clip(textured_clip(6, 64, 32, 0, 2, 3)).motion.camera, CameraMove::TiltUp);
  EXPECT_EQ(analyze::analyze_clip(textured_clip(6, 64, 32, 0, -2, 4)).motion.camera, CameraMove::TiltDown);
  const auto still = analyze::analyze_clip(textured_clip(6, 64, 32, 0, 0, 5));
  EXPECT_EQ(still.motion.camera, CameraMove::Static);
  EXPECT_DOUBLE_EQ(still.motion.flicker, 0.0);
  const auto pan = analyze::analyze_clip(textured_clip(6, 64, 32, 3, 0, 6));
  EXPECT_DOUBLE_EQ(pan.motion.dx, 3.0);
}

TEST(ClipAnalysis, WorldZoomsMeasureAsPushAndPull) {
  ClipAttributes a;
  a.camera = CameraMove::PushIn;
  EXPECT_GT(analyze::analyze_clip(render_clip(a, 8, 64, 32, 1)).motion.scale, 1.02);
  a.camera = CameraMove::PullOut;
  EXPECT_LT(analyze::analyze_clip(render_clip(a, 8, 64, 32, 1)).motion.scale, 0.98);
}

TEST(ClipAnalysis, ZoomsThroughSnowAreZooms) {
  // `shotgen world sample --frames 16` seeds 2, 9 and 10: push-ins in snow that measured static while
  // the particles, moving on their own, outweighed the few pixels of scene a slow zoom moves; the
  // search now takes them out first (a 3×3 median). Seeds 1 and 5 are push-ins in dust, found before too.
  for (const std::uint64_t seed : {1, 2, 5, 9, 10}) {
    const WorldSample s = sample(seed, 16, 128, 64);
    ASSERT_EQ(s.attributes.camera, CameraMove::PushIn) << seed;
    EXPECT_EQ(analyze::analyze_clip(s.clip).motion.camera, CameraMove::PushIn) << seed;
  }
}

TEST(ClipAnalysis, WorldClipsMoveAsContentMotionSays) {
  // content_motion is what the engine moves the starting noise by: it must be the world's motion.
  for (const CameraMove move : kCameraMoves) {
    ClipAttributes a;
    a.camera = move;
    a.atmosphere = Atmosphere::Clear;
    const CameraMotion expected = content_motion(move, 8, 64);
    const analyze::MotionMeasure measured = analyze::analyze_clip(render_clip(a, 8, 128, 64, 3)).motion;
    SCOPED_TRACE(std::string(word(move)));
    EXPECT_EQ(measured.camera, move);
    // The analyzer searches halved frames at 64 rows, in steps of 2 pixels.
    EXPECT_NEAR(measured.dx, expected.dx, 1.0);
    EXPECT_NEAR(measured.dy, expected.dy, 1.0);
    EXPECT_NEAR(measured.scale, expected.scale, 0.02);
  }
}

TEST(ClipAnalysis, FlickeringClipMeasuresLargeFlicker) {
  ClipAttributes a;
  a.camera = CameraMove::PanRight;
  Clip steady = render_clip(a, 8, 64, 32, 17);
  Clip flickering = steady;
  for (int t = 1; t < flickering.frame_count(); t += 2)
    for (auto& v : flickering.frames[t].rgb) v = static_cast<std::uint8_t>(v * 0.6);
  const double steady_flicker = analyze::analyze_clip(steady).motion.flicker;
  const auto flick = analyze::analyze_clip(flickering);
  EXPECT_LT(steady_flicker, 1.0);
  EXPECT_GT(flick.motion.flicker, 20.0);
  EXPECT_EQ(flick.motion.camera, CameraMove::PanRight);  // motion still found through the flicker
}

TEST(ClipAnalysis, BadClipsAreErrors) {
  EXPECT_THROW(analyze::analyze_clip(Clip{}), Error);
  Clip mixed;
  mixed.frames.push_back(Image(16, 16));
  mixed.frames.push_back(Image(32, 16));
  try {
    analyze::analyze_clip(mixed);
    FAIL() << "frames of different sizes were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("frame 1 is 32x16"), std::string::npos) << e.what();
  }
}

TEST(ClipAnalysis, JsonUsesCanonicalWords) {
  ClipAttributes a;
  a.palette = Palette::GreenTones;
  a.camera = CameraMove::PanLeft;
  const auto j = analyze::to_json(analyze::analyze_clip(render_clip(a, 8, 64, 32, 3)));
  EXPECT_EQ(j.at("palette").at("class"), "green tones");
  EXPECT_EQ(j.at("camera").at("class"), "pan left");
  EXPECT_GT(j.at("palette").at("green_share").get<double>(), 0.5);
  for (const char* key : {"key", "style", "characters", "flicker", "frames", "width", "height"})
    EXPECT_TRUE(j.contains(key)) << key;
}
