#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>

#include "world/layout_guide.h"
#include "world/world.h"

using namespace shotgen;
using namespace shotgen::world;

namespace {

// The mean column of the guide's figures in its first frame (the world's coverage of them).
double subject_column(const std::string& prompt, std::uint64_t seed) {
  FigureCoverage figures;
  draw_layout_guide(prompt, seed, 4, 128, 64, &figures);
  double covered = 0.0, weighted = 0.0;
  for (int y = 0; y < figures.height; ++y)
    for (int x = 0; x < figures.width; ++x) {
      const float share = figures.frames.front()[static_cast<std::size_t>(y * figures.width + x)];
      covered += share;
      weighted += share * x;
    }
  return covered > 0.0 ? weighted / covered : -1.0;
}

}  // namespace

TEST(LayoutGuide, TheWordsAPromptNamesAreTheGuidesAttributes) {
  const std::string prompt =
      "painterly, two figures stand together, tilt up, telephoto lens, subject on the right third, night, "
      "teal and orange, fog";
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const ClipAttributes a = prompt_attributes(prompt, seed);
    EXPECT_EQ(a.style, Style::Painterly);
    EXPECT_EQ(a.characters, Characters::Two);
    EXPECT_EQ(a.camera, CameraMove::TiltUp);
    EXPECT_EQ(a.lens, Lens::Telephoto);
    EXPECT_EQ(a.composition, Composition::ThirdsRight);
    EXPECT_EQ(a.lighting, Lighting::Night);
    EXPECT_EQ(a.palette, Palette::TealOrange);
    EXPECT_EQ(a.atmosphere, Atmosphere::Fog);
    EXPECT_EQ(a.mood, mood_for(a.lighting, a.palette, a.atmosphere));
  }
}

TEST(LayoutGuide, AnOpenCameraStaysStillAndOtherOpenWordsComeFromTheSeed) {
  std::set<Characters> counts;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const ClipAttributes a = prompt_attributes("a quiet harbor at dusk", seed);
    EXPECT_EQ(a.camera, CameraMove::Static) << seed;
    counts.insert(a.characters);
  }
  EXPECT_EQ(counts.size(), 3u);  // one, two and a crowd all occur
}

TEST(LayoutGuide, SameArgumentsSameFramesAndTheWordsPlaceTheSubject) {
  const std::string left = "a lone figure stands, telephoto lens, subject on the left third, high-key lighting";
  const std::string right = "a lone figure stands, telephoto lens, subject on the right third, high-key lighting";
  for (std::uint64_t seed : {4u, 5u, 6u}) {
    const Clip guide = draw_layout_guide(left, seed, 4, 128, 64);
    ASSERT_EQ(guide.frame_count(), 4);
    EXPECT_EQ(guide.width(), 128);
    EXPECT_EQ(guide, draw_layout_guide(left, seed, 4, 128, 64));
    // Not the world's training clip of the same seed: a guide is its own draw.
    EXPECT_NE(guide, render_clip(prompt_attributes(left, seed), 4, 128, 64, seed));
    FigureCoverage figures;
    EXPECT_EQ(guide, draw_layout_guide(left, seed, 4, 128, 64, &figures));  // the same with its figures asked
    const double left_column = subject_column(left, seed), right_column = subject_column(right, seed);
    EXPECT_GT(left_column, 0.0) << seed;  // a figure is drawn
    EXPECT_LT(left_column, 64) << seed;
    EXPECT_GT(right_column, 64) << seed;
  }
}

namespace {

// The box around every pixel where two frames of the same size differ: x0, y0, x1, y1 (inclusive);
// x0 = -1 when they are equal.
std::array<int, 4> difference_box(const Image& a, const Image& b) {
  std::array<int, 4> box{-1, -1, -1, -1};
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < a.width; ++x)
      if (!std::equal(a.pixel(x, y), a.pixel(x, y) + 3, b.pixel(x, y))) {
        if (box[0] < 0) box = {x, y, x, y};
        box = {std::min(box[0], x), std::min(box[1], y), std::max(box[2], x), std::max(box[3], y)};
      }
  return box;
}

// The first frames of the guides of a prompt naming a prop and of the same prompt with another
// word in its place, and the box where they differ.
struct PropGuides {
  Image with, without;
  std::array<int, 4> box;
};

PropGuides prop_guides(const std::string& with, const std::string& without, std::uint64_t seed) {
  PropGuides g{draw_layout_guide(with, seed, 2, 128, 64).frames[0], draw_layout_guide(without, seed, 2, 128, 64).frames[0], {}};
  g.box = difference_box(g.with, g.without);
  return g;
}

double mean_luma(const Image& frame) {
  double sum = 0;
  for (std::size_t i = 0; i < frame.rgb.size(); i += 3)
    sum += 0.2126 * frame.rgb[i] + 0.7152 * frame.rgb[i + 1] + 0.0722 * frame.rgb[i + 2];
  return sum / (frame.rgb.size() / 3);
}

}  // namespace

TEST(LayoutGuide, ALighthouseTheWordsNameStandsTallOnTheHorizon) {
  // The same scene with and without the word: only a tall, narrow column of the frame changes.
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto box = prop_guides("one figure looks up at the lighthouse, golden hour, warm palette, clear",
                                 "one figure looks up at the harbor, golden hour, warm palette, clear", seed)
                         .box;
    ASSERT_GE(box[0], 0) << seed;
    const int height = box[3] - box[1] + 1, width = box[2] - box[0] + 1;
    EXPECT_GE(height, 64 / 4) << seed;      // tall (up to the frame's top where the horizon is high)
    EXPECT_GE(height, 2 * width) << seed;   // a tower, not a house
    EXPECT_LE(width, 128 * 0.15) << seed;   // narrow
  }
}

TEST(LayoutGuide, ALanternTheWordsNameGlowsBesideTheSubjectAtNight) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const std::string without = "one figure carries a bag, night, cool palette, clear";
    const auto g = prop_guides("one figure carries a lantern, night, cool palette, clear", without, seed);
    ASSERT_GE(g.box[0], 0) << seed;
    const double subject = subject_column(without, seed);
    EXPECT_LE(g.box[0], subject) << seed;  // the glow reaches over the subject
    EXPECT_GE(g.box[2], subject) << seed;
    EXPECT_GT(mean_luma(g.with), mean_luma(g.without) + 1.0) << seed;  // it lights the night
  }
  // "no lantern" draws none.
  EXPECT_EQ(draw_layout_guide("one figure, no lantern, night", 1, 2, 128, 64),
            draw_layout_guide("one figure, night", 1, 2, 128, 64));
}
