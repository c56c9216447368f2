#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "world/layout_guide.h"
#include "world/world.h"

using namespace shotgen;
using namespace shotgen::world;

namespace {

// The column where the frame differs most from its rows' median colour: where the subject stands.
int subject_column(const Image& frame) {
  std::vector<double> energy(static_cast<std::size_t>(frame.width), 0.0);
  for (int y = 0; y < frame.height; ++y) {
    for (int c = 0; c < 3; ++c) {
      std::vector<int> row;
      for (int x = 0; x < frame.width; ++x) row.push_back(frame.pixel(x, y)[c]);
      std::nth_element(row.begin(), row.begin() + frame.width / 2, row.end());
      const int median = row[static_cast<std::size_t>(frame.width / 2)];
      for (int x = 0; x < frame.width; ++x) energy[static_cast<std::size_t>(x)] += std::abs(frame.pixel(x, y)[c] - median);
    }
  }
  return static_cast<int>(std::max_element(energy.begin(), energy.end()) - energy.begin());
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
    EXPECT_LT(subject_column(guide.frames[0]), 64) << seed;
    EXPECT_GT(subject_column(draw_layout_guide(right, seed, 4, 128, 64).frames[0]), 64) << seed;
  }
}
