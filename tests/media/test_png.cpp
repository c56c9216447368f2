#include "media/png.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <functional>

#include "core/error.h"
#include "media/media_fixtures.h"
#include "support/test_support.h"

namespace shotgen::media {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// The kind of the shotgen::Error `action` throws; fails the test when it throws none.
ErrorKind kind_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.kind();
  }
  ADD_FAILURE() << "no shotgen::Error thrown";
  return ErrorKind::General;
}

TEST(Png, RoundTripIsExact) {
  TempDir dir;
  const Image image = testing::moving_gradient(37, 21, 3);  // odd sizes: no row padding assumed
  write_png(dir.path() / "frame.png", image);
  EXPECT_EQ(read_png(dir.path() / "frame.png"), image);
  EXPECT_EQ(testing::entries_in(dir.path()), 1) << "no temporary file may remain";
}

TEST(Png, ClipFramesAreNumberedInAFolderMadeForThem) {
  TempDir dir;
  const Clip clip = testing::moving_gradient_clip(16, 8, 11);
  write_frame_pngs(dir.path() / "a" / "b", clip);
  EXPECT_EQ(testing::entries_in(dir.path() / "a" / "b"), 11) << "one file per frame, no temporary file left";
  EXPECT_EQ(read_png(dir.path() / "a" / "b" / "frame_0000.png"), clip.frames[0]);
  EXPECT_EQ(read_png(dir.path() / "a" / "b" / "frame_0010.png"), clip.frames[10]);
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

TEST(Png, HugeDeclaredSizeIsRefusedBeforeAllocating) {
  TempDir dir;
  const auto path = dir.path() / "bomb.png";
  testing::write_text(path, testing::png_declaring(32768, 32768));
  ASSERT_LT(fs::file_size(path), 100u);
  EXPECT_EQ(kind_of([&] { read_png(path); }), ErrorKind::TooLarge);
  const std::string message = error_of([&] { read_png(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("32768x32768"), std::string::npos) << message;
}

TEST(Png, DeclaredSizeTheFileCannotHoldIsCorrupt) {
  // Within the limits, but 69 bytes cannot hold 4000x4000 pixels even at deflate's best ratio.
  TempDir dir;
  const auto path = dir.path() / "short.png";
  testing::write_text(path, testing::png_declaring(4000, 4000));
  EXPECT_EQ(kind_of([&] { read_png(path); }), ErrorKind::Corrupt);
}

TEST(Png, OnlyRegularFilesAreRead) {
  TempDir dir;
  EXPECT_EQ(kind_of([] { read_png("/dev/zero"); }), ErrorKind::NotARegularFile);
  EXPECT_EQ(kind_of([&] { read_png(dir.path()); }), ErrorKind::NotARegularFile);
  const auto fifo = dir.path() / "pipe.png";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(kind_of([&] { read_png(fifo); }), ErrorKind::NotARegularFile);  // no writer: must not block
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(error_of([&] { read_png(fifo); }).find(fifo.string()), std::string::npos);
}

TEST(Png, OversizedFileIsRefusedUnread) {
  TempDir dir;
  const auto path = dir.path() / "huge.png";
  { std::ofstream(path) << "x"; }
  fs::resize_file(path, kMaxPngFileBytes + 1);  // sparse: costs no disk
  EXPECT_EQ(kind_of([&] { read_png(path); }), ErrorKind::TooLarge);
}

TEST(Png, TextChunksRoundTripAsTextAndInternationalText) {
  TempDir dir;
  const auto path = dir.path() / "poster.png";
  const std::vector<PngText> text = {
      {"parameters", "a lamplighter\nNegative prompt: blurry\nSteps: 24, Sampler: Euler, Seed: 7"},
      {"Comment", "Straßenlaterne im Regen, 雨"},  // not ASCII: written as iTXt (UTF-8)
  };
  const Image image = testing::moving_gradient(12, 8, 0);
  write_png(path, image, text);
  EXPECT_EQ(read_png_text(path), text);
  EXPECT_EQ(read_png(path), image);
  const std::string bytes = testing::read_text(path);
  EXPECT_NE(bytes.find(std::string("tEXtparameters\0a lamplighter", 28)), std::string::npos);
  EXPECT_NE(bytes.find("iTXtComment"), std::string::npos);
  EXPECT_LT(bytes.find("tEXt"), bytes.find("IDAT")) << "text before the image data";
}

TEST(Png, InvalidTextKeywordIsRefusedAndNothingWritten) {
  TempDir dir;
  EXPECT_THROW(write_png(dir.path() / "x.png", testing::solid(2, 2, 0, 0, 0), {{"", "x"}}), Error);
  EXPECT_THROW(write_png(dir.path() / "x.png", testing::solid(2, 2, 0, 0, 0), {{std::string(80, 'k'), "x"}}), Error);
  EXPECT_EQ(testing::entries_in(dir.path()), 0);
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
}  // namespace shotgen::media
