// The letterbox matte and the transitions assemble uses (crossfade, dip to black); the Vulkan
// shaders give the CPU references' pixels (exactly for the matte, within 1/255 for transitions).
#include <gtest/gtest.h>

#include "finish/letterbox.h"
#include "finish/transition.h"
#include "finish_fixtures.h"

namespace shotgen::finish {
namespace {

using testing::gpu;
using testing::max_difference;
using testing::noise_image;

Image filled(int width, int height, std::uint8_t value) {
  Image image(width, height);
  std::fill(image.rgb.begin(), image.rgb.end(), value);
  return image;
}

TEST(Letterbox, WiderAspectGivesBarsTopAndBottom) {
  EXPECT_EQ(letterbox_rect(512, 256, 2.39), (PictureRect{0, 21, 512, 214}));
  EXPECT_EQ(letterbox_rect(512, 256, 1.5), (PictureRect{64, 0, 384, 256}));  // narrower: pillarbox
  EXPECT_EQ(letterbox_rect(512, 256, 2.0), (PictureRect{0, 0, 512, 256}));
}

TEST(Letterbox, BlackensOnlyOutsideThePicture) {
  Image image = filled(512, 256, 200);
  letterbox_reference(image, letterbox_rect(512, 256, 2.39));
  EXPECT_EQ(image.pixel(100, 20)[0], 0);
  EXPECT_EQ(image.pixel(100, 21)[0], 200);
  EXPECT_EQ(image.pixel(100, 234)[0], 200);
  EXPECT_EQ(image.pixel(100, 235)[0], 0);
}

TEST(Letterbox, VulkanMatchesTheCpuReference) {
  for (double aspect : {2.39, 1.33}) {
    Image cpu = noise_image(203, 101, 13);
    Image vulkan = cpu;
    letterbox_reference(cpu, letterbox_rect(203, 101, aspect));
    gpu().letterbox(vulkan, letterbox_rect(203, 101, aspect));
    EXPECT_EQ(max_difference(cpu, vulkan), 0) << aspect;
  }
}

TEST(Transition, CrossfadeBlendsAndDipPassesThroughBlack) {
  const Image a = filled(8, 8, 200), b = filled(8, 8, 100);
  EXPECT_EQ(transition_reference(a, b, TransitionStyle::Crossfade, 0.25f), filled(8, 8, 175));
  EXPECT_EQ(transition_reference(a, b, TransitionStyle::DipToBlack, 0.25f), filled(8, 8, 100));  // a at half
  EXPECT_EQ(transition_reference(a, b, TransitionStyle::DipToBlack, 0.5f), filled(8, 8, 0));
  EXPECT_EQ(transition_reference(a, b, TransitionStyle::DipToBlack, 0.75f), filled(8, 8, 50));  // b at half
  EXPECT_THROW(transition_reference(a, filled(4, 4, 0), TransitionStyle::Crossfade, 0.5f), Error);
}

TEST(Transition, VulkanMatchesTheCpuReference) {
  const Image a = noise_image(77, 39, 14), b = noise_image(77, 39, 15);
  for (auto style : {TransitionStyle::Crossfade, TransitionStyle::DipToBlack})
    for (float weight : {0.1f, 0.5f, 0.83f}) {
      const Image cpu = transition_reference(a, b, style, weight);
      const Image vulkan = gpu().transition(a, b, style, weight);
      EXPECT_LE(max_difference(cpu, vulkan), 1) << weight;
    }
}

}  // namespace
}  // namespace shotgen::finish
