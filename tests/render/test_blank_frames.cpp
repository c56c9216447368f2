#include "render/blank_frames.h"

#include <gtest/gtest.h>

namespace shotgen::render {
namespace {

Clip flat_clip(std::uint8_t value, int frames = 4) {
  Clip clip;
  for (int f = 0; f < frames; ++f) {
    Image frame(16, 8);
    std::fill(frame.rgb.begin(), frame.rgb.end(), value);
    clip.frames.push_back(std::move(frame));
  }
  return clip;
}

TEST(BlankFrames, AllBlackIsBlank) {
  const auto problem = blank_frames_problem(flat_clip(0), "shot s1 take 1");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->kind, ErrorKind::BlankFrames);
  EXPECT_EQ(problem->where, "shot s1 take 1");
  EXPECT_NE(problem->what.find("blank frames"), std::string::npos);
}

TEST(BlankFrames, OneStepOfRoundingNoiseIsStillBlank) {
  Clip clip = flat_clip(128);
  clip.frames[2].rgb[5] = 129;
  EXPECT_TRUE(blank_frames_problem(clip, "x").has_value());
}

TEST(BlankFrames, AnyFrameWithAPictureIsNotBlank) {
  Clip clip = flat_clip(0);
  clip.frames[3].rgb[0] = 2;  // one pixel two steps brighter in the last frame
  EXPECT_FALSE(blank_frames_problem(clip, "x").has_value());
}

TEST(BlankFrames, FramesOfDifferentFlatColoursAreBlank) {
  Clip clip = flat_clip(0);
  std::fill(clip.frames[1].rgb.begin(), clip.frames[1].rgb.end(), 200);  // a flash of grey, no picture
  EXPECT_TRUE(blank_frames_problem(clip, "x").has_value());
}

}  // namespace
}  // namespace shotgen::render
