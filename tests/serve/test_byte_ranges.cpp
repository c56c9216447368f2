#include "serve/byte_ranges.h"

#include <gtest/gtest.h>

namespace shotgen::serve {
namespace {

ByteRanges fitted(ByteRanges ranges, std::uintmax_t size) {
  fit_ranges(ranges, size);
  return ranges;
}

TEST(ByteRanges, ClampsToTheFile) {
  EXPECT_EQ(fitted({{0, 99}}, 1000), (ByteRanges{{0, 99}}));
  EXPECT_EQ(fitted({{100, 99999999}}, 1000), (ByteRanges{{100, 999}}));
  EXPECT_EQ(fitted({{10, -1}}, 1000), (ByteRanges{{10, 999}}));  // "bytes=10-": to the end
}

TEST(ByteRanges, SuffixRangesCountFromTheEnd) {
  EXPECT_EQ(fitted({{-1, 10}}, 1000), (ByteRanges{{990, 999}}));
  EXPECT_EQ(fitted({{-1, 5000}}, 1000), (ByteRanges{{0, 999}}));  // longer than the file: all of it
  EXPECT_EQ(fitted({{-1, 0}}, 1000), (ByteRanges{}));              // "bytes=-0" asks for nothing
}

TEST(ByteRanges, RangesOutsideTheFileAreDroppedAndNoneLeftIsUnsatisfiable) {
  ByteRanges beyond{{1000, -1}};
  EXPECT_FALSE(fit_ranges(beyond, 1000));
  EXPECT_TRUE(beyond.empty());
  ByteRanges empty_file{{0, 10}, {-1, 5}};
  EXPECT_FALSE(fit_ranges(empty_file, 0));
  ByteRanges backwards{{50, 40}, {-5, 3}};  // never from the HTTP library's parser; refused all the same
  EXPECT_FALSE(fit_ranges(backwards, 1000));
  ByteRanges mixed{{2000, 3000}, {5, 6}};
  EXPECT_TRUE(fit_ranges(mixed, 1000));
  EXPECT_EQ(mixed, (ByteRanges{{5, 6}}));
}

}  // namespace
}  // namespace shotgen::serve
