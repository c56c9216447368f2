#include <gtest/gtest.h>

#include "world/sample.h"
#include "world/world.h"

using namespace shotgen;
using namespace shotgen::world;

TEST(World, SameSeedGivesIdenticalClip) {
  Rng rng(3);
  for (int i = 0; i < 20; ++i) {
    const ClipAttributes a = sample_attributes(rng);
    const Clip first = render_clip(a, 8, 64, 32, 1000 + i);
    EXPECT_EQ(first, render_clip(a, 8, 64, 32, 1000 + i));
    EXPECT_NE(first, render_clip(a, 8, 64, 32, 2000 + i));
  }
}

TEST(World, ClipHasRequestedShape) {
  ClipAttributes a;
  for (auto [frames, w, h] : {std::tuple{8, 64, 32}, {16, 32, 32}, {1, 48, 16}, {5, 128, 64}}) {
    const Clip clip = render_clip(a, frames, w, h, 5);
    ASSERT_EQ(clip.frame_count(), frames);
    EXPECT_EQ(clip.width(), w);
    EXPECT_EQ(clip.height(), h);
    for (const auto& f : clip.frames) EXPECT_EQ(f.rgb.size(), std::size_t(w) * h * 3);
  }
}

TEST(World, StaticClearClipDoesNotChangeBetweenFrames) {
  ClipAttributes a;
  a.camera = CameraMove::Static;
  a.atmosphere = Atmosphere::Clear;
  const Clip clip = render_clip(a, 6, 64, 32, 9);
  for (int t = 1; t < clip.frame_count(); ++t) EXPECT_EQ(clip.frames[t], clip.frames[0]);
}

TEST(World, PanMovesTextureWithTheWorld) {
  // Photoreal grain is attached to the world: a pan shifts it by whole pixels, unchanged.
  ClipAttributes a;
  a.camera = CameraMove::PanLeft;
  a.style = Style::Photoreal;
  const Clip clip = render_clip(a, 4, 64, 32, 21);
  const int step = camera_step_pixels(32);
  ASSERT_EQ(step, 2);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x + step < 64; ++x)
      for (int c = 0; c < 3; ++c)  // pan left: content moves right
        ASSERT_EQ(clip.frames[1].pixel(x + step, y)[c], clip.frames[0].pixel(x, y)[c]);
}

// Where the figures are, cut through the same camera as the picture: one figure covers a
// figure-sized patch, the picture is the same with or without the coverage, and a pan moves both.
TEST(World, FigureCoverageFollowsTheFiguresThroughThePan) {
  ClipAttributes a;
  a.characters = Characters::One;
  a.camera = CameraMove::PanLeft;
  a.atmosphere = Atmosphere::Clear;
  FigureCoverage figures;
  const Clip clip = render_clip(a, 4, 64, 32, 8, &figures);
  EXPECT_EQ(clip, render_clip(a, 4, 64, 32, 8));
  ASSERT_EQ(figures.frames.size(), 4u);
  EXPECT_EQ(figures.width, 64);
  EXPECT_EQ(figures.height, 32);
  auto centre_x = [&](int t) {
    double mass = 0, moment = 0;
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 64; ++x) {
        const float c = figures.frames[t][static_cast<std::size_t>(y) * 64 + x];
        EXPECT_GE(c, 0.0f);
        EXPECT_LE(c, 1.0f);
        mass += c;
        moment += c * x;
      }
    return std::pair{mass, moment / mass};
  };
  const auto [mass0, x0] = centre_x(0);
  const auto [mass1, x1] = centre_x(1);
  // A figure is a head, a body and two legs: a few per cent of the frame, not nothing, not all of it.
  EXPECT_GT(mass0, 0.01 * 64 * 32);
  EXPECT_LT(mass0, 0.3 * 64 * 32);
  EXPECT_NEAR(mass1, mass0, 0.5);
  EXPECT_NEAR(x1 - x0, camera_step_pixels(32), 0.05);  // pan left: content moves right
  // A crowd covers more of the frame than one figure.
  ClipAttributes many = a;
  many.characters = Characters::Crowd;
  FigureCoverage crowd;
  render_clip(many, 1, 64, 32, 8, &crowd);
  double crowd_mass = 0;
  for (float c : crowd.frames[0]) crowd_mass += c;
  EXPECT_GT(crowd_mass, mass0);
}

TEST(World, SampleCarriesTheFiguresOnlyWhenAskedAndTheClipEitherWay) {
  const WorldSample plain = sample(17, 4, 64, 32);
  const WorldSample with_figures = sample(17, 4, 64, 32, true);
  EXPECT_TRUE(plain.figures.frames.empty());
  ASSERT_EQ(with_figures.figures.frames.size(), 4u);
  EXPECT_EQ(with_figures.clip, plain.clip);
  EXPECT_EQ(with_figures.caption, plain.caption);
  double mass = 0;
  for (float c : with_figures.figures.frames[0]) mass += c;
  EXPECT_GT(mass, 0.0);  // every world clip has a figure
}

TEST(World, MonochromeHasNoSaturationAndGreenTonesAreGreen) {
  ClipAttributes a;
  a.palette = Palette::Monochrome;
  const Clip mono = render_clip(a, 2, 64, 32, 4);
  for (std::size_t k = 0; k < mono.frames[0].rgb.size(); k += 3) {
    const auto* p = &mono.frames[0].rgb[k];
    EXPECT_LE(std::max({p[0], p[1], p[2]}) - std::min({p[0], p[1], p[2]}), 2);
  }
  a.palette = Palette::GreenTones;
  const Clip green = render_clip(a, 1, 64, 32, 4);
  long greener = 0;
  for (std::size_t k = 0; k < green.frames[0].rgb.size(); k += 3) {
    const auto* p = &green.frames[0].rgb[k];
    greener += p[1] > p[0] && p[1] > p[2];
  }
  EXPECT_GT(greener, 64 * 32 * 3 / 4);
}
