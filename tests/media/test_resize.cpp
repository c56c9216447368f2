#include "media/resize.h"

#include <gtest/gtest.h>

#include <array>

#include "core/error.h"
#include "media/media_fixtures.h"

namespace shotgen::media {
namespace {

TEST(ResizeImage, ChangesSizeAndKeepsFlatColour) {
  const Image resized = resize_image(testing::solid(40, 30, 12, 140, 250), 17, 9);
  ASSERT_EQ(resized.width, 17);
  ASSERT_EQ(resized.height, 9);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(resized.pixel(8, 4)[c], (std::array<int, 3>{12, 140, 250})[c], 1);
}

TEST(ResizeImage, KeepsTheLayoutOfAGradient) {
  const Image source = testing::moving_gradient(64, 64, 0);
  const Image half = resize_image(source, 32, 32);
  EXPECT_NEAR(half.pixel(16, 0)[1], source.pixel(32, 0)[1], 8);
  EXPECT_NEAR(half.pixel(16, 31)[1], source.pixel(32, 62)[1], 8);
}

TEST(ResizeImage, SameSizeIsACopyAndBadSizesThrow) {
  const Image source = testing::moving_gradient(8, 8, 1);
  EXPECT_EQ(resize_image(source, 8, 8), source);
  EXPECT_THROW(resize_image(source, 0, 8), Error);
  EXPECT_THROW(resize_image(Image(), 4, 4), Error);
}

}  // namespace
}  // namespace shotgen::media
