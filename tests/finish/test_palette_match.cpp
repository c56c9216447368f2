// The palette match: a clip the model drew in another palette than its prompt names, recoloured into
// that palette with its brightness kept. The analyzer reads each palette off world clips drawn in
// another, the luma (what the lighting is measured on) stays, one mapping holds for the whole clip
// (no flicker of its own), and nothing is decided where the model drew the palette asked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "analyze/motion.h"
#include "analyze/palette.h"
#include "analyze/planes.h"
#include "finish/palette_match.h"
#include "finish/pixel_math.h"
#include "finish_fixtures.h"
#include "world/world.h"

namespace shotgen::finish {
namespace {

using testing::drawn_palette;
using world::Palette;

Clip world_clip(Palette palette, world::Lighting lighting, std::uint64_t seed,
                world::CameraMove camera = world::CameraMove::Static) {
  world::ClipAttributes a;
  a.palette = palette;
  a.lighting = lighting;
  a.camera = camera;
  a.style = world::Style::Painterly;
  a.atmosphere = world::Atmosphere::Clear;
  a.characters = world::Characters::Two;
  a.mood = world::mood_for(a.lighting, a.palette, a.atmosphere);
  return world::render_clip(a, 8, 128, 64, seed);
}

analyze::PaletteMeasure palette_of(const Clip& clip) { return analyze::measure_palette(analyze::planes_of(clip)); }

// The largest difference in Rec. 709 luma between the same pixel of two clips, 0..255.
double largest_luma_change(const Clip& a, const Clip& b) {
  double largest = 0;
  for (std::size_t t = 0; t < a.frames.size(); ++t)
    for (std::size_t i = 0; i < a.frames[t].rgb.size(); i += 3) {
      const auto* p = &a.frames[t].rgb[i];
      const auto* q = &b.frames[t].rgb[i];
      largest = std::max(largest, static_cast<double>(std::abs(luma(p[0], p[1], p[2]) - luma(q[0], q[1], q[2]))));
    }
  return largest;
}

TEST(PaletteMatch, DecidesOnlyAPaletteThePromptNamesAndTheModelMissed) {
  EXPECT_EQ(palette_to_match("monochrome, a harbor at night", Palette::GreenTones), Palette::Monochrome);
  EXPECT_EQ(palette_to_match("soft pastels, two figures", Palette::Cool), Palette::Pastel);
  EXPECT_EQ(palette_to_match("warm tones, not monochrome", Palette::Monochrome), Palette::Warm);
  EXPECT_EQ(palette_to_match("monochrome, a harbor at night", Palette::Monochrome), std::nullopt);
  EXPECT_EQ(palette_to_match("a harbor at night", Palette::GreenTones), std::nullopt);
}

TEST(PaletteMatch, TheAnalyzerReadsEachPaletteAfterTheMatch) {
  // A clip of each palette but the one asked (the world's, as the model draws a palette it was
  // asked another for), recoloured into the palette asked, in two lights.
  for (const world::Lighting lighting : {world::Lighting::HighKey, world::Lighting::GoldenHour})
    for (const Palette asked : world::kPalettes) {
      const Palette drawn = asked == Palette::GreenTones ? Palette::Warm : Palette::GreenTones;
      const Clip clip = world_clip(drawn, lighting, 21);
      ASSERT_EQ(drawn_palette(clip), drawn);
      EXPECT_EQ(drawn_palette(match_palette(clip, asked, 5)), asked)
          << world::word(asked) << " in " << world::word(lighting);
    }
}

TEST(PaletteMatch, MonochromeLeavesGreysOfTheSameBrightness) {
  const Clip clip = world_clip(Palette::GreenTones, world::Lighting::Night, 3);
  const Clip grey = match_palette(clip, Palette::Monochrome, 9);
  EXPECT_LT(palette_of(grey).mean_saturation, 0.01);
  for (std::size_t i = 0; i < grey.frames[0].rgb.size(); i += 3) {
    EXPECT_EQ(grey.frames[0].rgb[i], grey.frames[0].rgb[i + 1]);
    EXPECT_EQ(grey.frames[0].rgb[i + 1], grey.frames[0].rgb[i + 2]);
  }
  EXPECT_LE(largest_luma_change(clip, grey), 0.5 + 1e-3);  // rounding only
}

TEST(PaletteMatch, KeepsEveryPixelsBrightness) {
  // The lighting the look check measures is the luma's; only rounding to 8 bits moves it.
  for (const Palette asked : {Palette::Pastel, Palette::TealOrange, Palette::Cool}) {
    const Clip clip = world_clip(Palette::GreenTones, world::Lighting::LowKey, 4);
    EXPECT_LE(largest_luma_change(clip, match_palette(clip, asked, 2)), 1.0) << world::word(asked);
  }
}

TEST(PaletteMatch, OneMappingForTheWholeClip) {
  // A still clip stays still (every frame recoloured alike), and a pan gains no flicker.
  const Clip still = world_clip(Palette::GreenTones, world::Lighting::HighKey, 8);
  ASSERT_EQ(still.frames[0], still.frames[7]);
  const Clip matched = match_palette(still, Palette::Pastel, 1);
  EXPECT_EQ(matched.frames[0], matched.frames[7]);
  EXPECT_NE(matched.frames[0], still.frames[0]);

  const Clip pan = world_clip(Palette::GreenTones, world::Lighting::HighKey, 8, world::CameraMove::PanLeft);
  const double before = analyze::measure_motion(analyze::planes_of(pan)).flicker;
  const double after = analyze::measure_motion(analyze::planes_of(match_palette(pan, Palette::Pastel, 1))).flicker;
  EXPECT_LT(after, before * 1.1 + 0.05);
}

TEST(PaletteMatch, FlatFillsStayFlatAndTakeTheirRanksColour) {
  // Two flat fills (a dark and a light green): each comes out one colour, in the palette asked —
  // also where the fills leave most brightness ranks empty.
  Clip clip;
  for (int t = 0; t < 2; ++t) {
    Image frame(32, 16);
    for (int y = 0; y < 16; ++y)
      for (int x = 0; x < 32; ++x) {
        const std::uint8_t g = y < 8 ? 60 : 200;
        std::uint8_t* p = frame.pixel(x, y);
        p[0] = g / 3;
        p[1] = g;
        p[2] = g / 3;
      }
    clip.frames.push_back(frame);
  }
  const Clip warm = match_palette(clip, Palette::Warm, 2);
  const Image& f = warm.frames[1];
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 32; ++x) EXPECT_TRUE(std::equal(f.pixel(x, y), f.pixel(x, y) + 3, f.pixel(0, y < 8 ? 0 : 8)));
  for (const int row : {0, 8}) {
    const std::uint8_t* p = f.pixel(0, row);
    EXPECT_GT(p[0], p[2] + 4) << row;  // warm: red over blue, where it was green
  }
  EXPECT_LE(largest_luma_change(clip, warm), 1.0);
}

TEST(PaletteMatch, DeterministicAndSeeded) {
  const Clip clip = world_clip(Palette::Cool, world::Lighting::GoldenHour, 12);
  EXPECT_EQ(match_palette(clip, Palette::Warm, 3), match_palette(clip, Palette::Warm, 3));
  EXPECT_NE(match_palette(clip, Palette::Warm, 3), match_palette(clip, Palette::Warm, 4));
  EXPECT_EQ(match_palette(Clip{}, Palette::Warm, 3), Clip{});
}

}  // namespace
}  // namespace shotgen::finish
