// The style texture: the texture of the style a prompt names, drawn into a clip the model drew in
// another. The analyzer reads each style off a world clip whose texture was smoothed away (as the
// model's decoder smooths it), the texture moves with the camera (no flicker of its own), flat fills
// keep their colours from frame to frame, and nothing is drawn where the model drew the style asked.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "analyze/motion.h"
#include "analyze/planes.h"
#include "finish/style_texture.h"
#include "finish_fixtures.h"
#include "world/world.h"

namespace shotgen::finish {
namespace {

using testing::drawn_style;
using world::Style;

Clip world_clip(world::CameraMove camera, Style style, std::uint64_t seed, int frames = 8) {
  world::ClipAttributes a;
  a.camera = camera;
  a.style = style;
  a.atmosphere = world::Atmosphere::Clear;
  a.lighting = world::Lighting::HighKey;
  return world::render_clip(a, frames, 128, 64, seed);
}

// The clip's texture taken away as a 4x latent's decoder takes it: each 2x2 block's mean, blended
// back bilinearly. What is left reads as no style the world draws.
Clip smoothed(const Clip& clip) {
  Clip out = clip;
  for (std::size_t t = 0; t < clip.frames.size(); ++t) {
    const Image& in = clip.frames[t];
    for (int y = 0; y < in.height; ++y)
      for (int x = 0; x < in.width; ++x)
        for (int c = 0; c < 3; ++c) {
          int sum = 0, n = 0;
          for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
              const int xx = std::clamp(x + dx, 0, in.width - 1), yy = std::clamp(y + dy, 0, in.height - 1);
              sum += in.pixel(xx, yy)[c];
              ++n;
            }
          out.frames[t].pixel(x, y)[c] = static_cast<std::uint8_t>((sum + n / 2) / n);
        }
  }
  return out;
}

double flicker(const Clip& clip) { return analyze::measure_motion(analyze::planes_of(clip)).flicker; }

TEST(StyleTexture, DrawsOnlyAStyleThePromptNamesAndTheModelMissed) {
  EXPECT_EQ(texture_style("photorealistic, a harbor at dusk", Style::Painterly), Style::Photoreal);
  EXPECT_EQ(texture_style("flat 2D animation, two figures", Style::Photoreal), Style::Flat2D);
  EXPECT_EQ(texture_style("hand-painted, not photorealistic", Style::Photoreal), Style::Painterly);
  EXPECT_EQ(texture_style("photorealistic, a harbor at dusk", Style::Photoreal), std::nullopt);
  EXPECT_EQ(texture_style("a harbor at dusk", Style::Painterly), std::nullopt);
}

TEST(StyleTexture, TheAnalyzerReadsEachStyleOffASmoothedClip) {
  for (const Style style : {Style::Photoreal, Style::Painterly, Style::Flat2D}) {
    int drawn = 0;
    for (const Style source : {Style::Photoreal, Style::Painterly, Style::Flat2D})
      for (std::uint64_t seed : {3u, 4u}) {
        // Smoothed world clips that read as another style: the pass has to draw the texture, not find it.
        const Clip soft = smoothed(world_clip(world::CameraMove::Static, source, seed));
        if (drawn_style(soft) == style) continue;
        SCOPED_TRACE(std::string(world::word(style)) + " from " + std::string(world::word(source)) + " seed " +
                     std::to_string(seed));
        EXPECT_EQ(drawn_style(draw_style_texture(soft, style, seed)), style);
        ++drawn;
      }
    EXPECT_GE(drawn, 2) << world::word(style);
  }
}

TEST(StyleTexture, GrainAndStrokesMoveWithTheScene) {
  // On a pan, texture fixed to the scene adds little flicker; the same texture drawn anew on each
  // frame (each frame textured alone, with its own seed) adds several times more.
  const Clip soft = smoothed(world_clip(world::CameraMove::PanLeft, Style::Flat2D, 9));
  for (const Style style : {Style::Photoreal, Style::Painterly}) {
    SCOPED_TRACE(world::word(style));
    const Clip textured = draw_style_texture(soft, style, 9);
    Clip anew = soft;
    for (std::size_t t = 0; t < soft.frames.size(); ++t)
      anew.frames[t] = draw_style_texture(Clip{{soft.frames[t]}}, style, 100 + t).frames.front();
    const double base = flicker(soft);
    EXPECT_LT(flicker(textured) - base, 0.35 * (flicker(anew) - base));
    // The texture is there: the frames changed.
    EXPECT_NE(textured.frames[3], soft.frames[3]);
  }
}

TEST(StyleTexture, FlatFillsKeepFewColoursAcrossTheClip) {
  const Clip soft = smoothed(world_clip(world::CameraMove::TiltUp, Style::Photoreal, 5));
  const Clip flat = draw_style_texture(soft, Style::Flat2D, 5);
  ASSERT_EQ(flat.frame_count(), soft.frame_count());
  std::set<std::tuple<int, int, int>> colours;
  for (const Image& frame : flat.frames)
    for (std::size_t i = 0; i < frame.rgb.size(); i += 3) colours.insert({frame.rgb[i], frame.rgb[i + 1], frame.rgb[i + 2]});
  // Each of the clip's main colours, and its outline shade (clear air: no particle kept as drawn).
  EXPECT_LE(colours.size(), static_cast<std::size_t>(2 * kFlatColours));
  EXPECT_GE(colours.size(), 3u);
}

TEST(StyleTexture, IsDeterministicAndSeededByTheTake) {
  const Clip soft = smoothed(world_clip(world::CameraMove::Static, Style::Flat2D, 2, 4));
  EXPECT_EQ(draw_style_texture(soft, Style::Photoreal, 7), draw_style_texture(soft, Style::Photoreal, 7));
  EXPECT_NE(draw_style_texture(soft, Style::Photoreal, 7), draw_style_texture(soft, Style::Photoreal, 8));
  EXPECT_NE(draw_style_texture(soft, Style::Painterly, 7), draw_style_texture(soft, Style::Painterly, 8));
  // Too small to have a texture: unchanged.
  const Clip tiny{{Image(2, 2), Image(2, 2)}};
  EXPECT_EQ(draw_style_texture(tiny, Style::Photoreal, 1), tiny);
  EXPECT_EQ(draw_style_texture(Clip{}, Style::Flat2D, 1), Clip{});
}

}  // namespace
}  // namespace shotgen::finish
