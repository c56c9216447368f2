#include "media/png.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/error.h"
#include "media/media_fixtures.h"
#include "support/test_support.h"

namespace shotgen {
namespace {

using testing::TempDir;

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(Png, RoundTripIsExact) {
  TempDir dir;
  const Image image = testing::moving_gradient(37, 21, 3);  // odd sizes: no row padding assumed
  write_png(dir.path() / "frame.png", image);
  EXPECT_EQ(read_png(dir.path() / "frame.png"), image);
  EXPECT_EQ(testing::entries_in(dir.path()), 1) << "no temporary file may remain";
}

TEST(Png, OverwritesAtomically) {
  TempDir dir;
  write_png(dir.path() / "a.png", testing::solid(4, 4, 1, 2, 3));
  write_png(dir.path() / "a.png", testing::solid(8, 2, 9, 8, 7));
  const Image read = read_png(dir.path() / "a.png");
  EXPECT_EQ(read, testing::solid(8, 2, 9, 8, 7));
}

// Other pixel formats as another tool (FFmpeg's PNG encoder) writes them; FFmpeg's own decoding
// of the same file to rgb24 is the expected result (16-bit samples may round one step apart).
class PngFormats : public ::testing::TestWithParam<std::string> {};

TEST_P(PngFormats, ReadAsRgb8) {
  TempDir dir;
  const auto path = dir.path() / "in.png";
  auto made = testing::run_program("ffmpeg", {"-v", "error", "-f", "lavfi", "-i", "testsrc2=s=24x16", "-frames:v", "1",
                                              "-pix_fmt", GetParam(), path.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto expected = testing::run_program("ffmpeg", {"-v", "error", "-i", path.string(), "-f", "rawvideo", "-pix_fmt",
                                                  "rgb24", "-"});
  ASSERT_EQ(expected.exit_code, 0) << expected.err;
  ASSERT_EQ(expected.out.size(), 24u * 16 * 3);

  const Image image = read_png(path);
  ASSERT_EQ(image.width, 24);
  ASSERT_EQ(image.height, 16);
  int worst = 0;
  for (std::size_t i = 0; i < image.rgb.size(); ++i) {
    worst = std::max(worst, std::abs(int(image.rgb[i]) - int(static_cast<unsigned char>(expected.out[i]))));
  }
  EXPECT_LE(worst, 1);
}

INSTANTIATE_TEST_SUITE_P(Media, PngFormats,
                         ::testing::Values("rgb24", "rgba", "rgb48be", "rgba64be", "pal8", "gray", "gray16be",
                                           "ya8", "ya16be", "monob"));

TEST(Png, AlphaIsCompositedOverBlack) {
  TempDir dir;
  const auto path = dir.path() / "half.png";
  // A 2x1 RGBA image: opaque red, then white at alpha 128.
  auto made = testing::run_program(
      "ffmpeg", {"-v", "error", "-f", "lavfi", "-i", "color=c=white@0.5:s=2x1,format=rgba", "-frames:v", "1", path.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const Image image = read_png(path);
  EXPECT_NEAR(image.pixel(1, 0)[0], 128, 2);
  EXPECT_NEAR(image.pixel(1, 0)[2], 128, 2);
}

TEST(Png, MissingFileNamesIt) {
  TempDir dir;
  const auto path = dir.path() / "absent.png";
  EXPECT_NE(error_of([&] { read_png(path); }).find(path.string()), std::string::npos);
}

TEST(Png, NonPngFileIsAClearError) {
  TempDir dir;
  const auto path = dir.path() / "notes.png";
  testing::write_text(path, "this is not an image\n");
  const std::string message = error_of([&] { read_png(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not a readable PNG"), std::string::npos) << message;
}

TEST(Png, TruncatedFileIsAClearError) {
  TempDir dir;
  const auto good = dir.path() / "good.png";
  write_png(good, testing::moving_gradient(64, 64, 0));
  const std::string bytes = testing::read_text(good);
  const auto cut = dir.path() / "cut.png";
  testing::write_text(cut, bytes.substr(0, bytes.size() / 2));
  const std::string message = error_of([&] { read_png(cut); });
  EXPECT_NE(message.find(cut.string()), std::string::npos) << message;
  EXPECT_NE(message.find("PNG"), std::string::npos) << message;
}

TEST(Png, UnwritableTargetNamesItAndLeavesNothing) {
  TempDir dir;
  const auto path = dir.path() / "missing-folder" / "poster.png";
  const std::string message = error_of([&] { write_png(path, testing::solid(2, 2, 0, 0, 0)); });
  EXPECT_NE(message.find("missing-folder"), std::string::npos) << message;
  EXPECT_EQ(testing::entries_in(dir.path()), 0);
}

TEST(Png, EmptyImageIsRefused) {
  TempDir dir;
  EXPECT_THROW(write_png(dir.path() / "x.png", Image()), Error);
  EXPECT_EQ(testing::entries_in(dir.path()), 0);
}

}  // namespace
}  // namespace shotgen
