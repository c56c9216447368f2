#include "media/video_reader.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/error.h"
#include "media/media_fixtures.h"
#include "media/video_encoder.h"
#include "support/test_support.h"

namespace shotgen::media {
namespace {

using testing::TempDir;

class TakeOnDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    EncodeOptions options;
    options.fps = 12;
    options.preset = "ultrafast";
    encode_mp4(take(), testing::moving_gradient_clip(64, 32, 24), options);
    bytes_ = testing::read_text(take());
  }
  std::filesystem::path take() const { return dir_.path() / "take.mp4"; }

  // The error message of `action` on `file`; fails the test if nothing is thrown.
  static std::string error_of(const std::function<void()>& action) {
    try {
      action();
    } catch (const Error& error) {
      return error.what();
    }
    ADD_FAILURE() << "expected a shotgen::Error";
    return "";
  }

  void expect_both_refuse(const std::filesystem::path& file) {
    const std::string probed = error_of([&] { probe_video(file); });
    EXPECT_NE(probed.find(file.string()), std::string::npos) << probed;
    const std::string decoded = error_of([&] { decode_video(file); });
    EXPECT_NE(decoded.find(file.string()), std::string::npos) << decoded;
  }

  TempDir dir_;
  std::string bytes_;
};

TEST_F(TakeOnDisk, DecodesAllFramesOrTheFirstN) {
  EXPECT_EQ(decode_video(take()).frame_count(), 24);
  const Clip first = decode_video(take(), 5);
  EXPECT_EQ(first.frame_count(), 5);
  EXPECT_EQ(first.width(), 64);
  EXPECT_EQ(first.height(), 32);
}

TEST_F(TakeOnDisk, ReaderReportsStreamFacts) {
  VideoReader reader;
  reader.open(take());
  EXPECT_DOUBLE_EQ(reader.fps(), 12.0);
  EXPECT_EQ(reader.width(), 64);
  EXPECT_EQ(reader.height(), 32);
  EXPECT_EQ(reader.frames_declared(), 24);
  Image frame;
  int count = 0;
  while (reader.read(frame)) ++count;
  EXPECT_EQ(count, 24);
  EXPECT_FALSE(reader.read(frame));  // stays at the end
}

TEST_F(TakeOnDisk, TruncatedFileIsRefused) {
  // faststart puts the index first, so a cut-short file still opens: the missing frames must
  // be noticed all the same.
  for (double keep : {0.02, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99}) {
    const auto cut = dir_.path() / ("cut" + std::to_string(static_cast<int>(keep * 1000)) + ".mp4");
    testing::write_text(cut, bytes_.substr(0, static_cast<std::size_t>(bytes_.size() * keep)));
    SCOPED_TRACE(cut.string());
    expect_both_refuse(cut);
  }
}

TEST_F(TakeOnDisk, GarbageAndEmptyFilesAreRefused) {
  std::string garbage = bytes_;
  for (std::size_t i = 0; i < garbage.size(); i += 3) garbage[i] = static_cast<char>(i * 7919);
  testing::write_text(dir_.path() / "garbage.mp4", garbage);
  expect_both_refuse(dir_.path() / "garbage.mp4");
  testing::write_text(dir_.path() / "empty.mp4", "");
  expect_both_refuse(dir_.path() / "empty.mp4");
  testing::write_text(dir_.path() / "text.mp4", "not a video at all\n");
  expect_both_refuse(dir_.path() / "text.mp4");
}

// Found by the video fuzz target: 22 bytes FFmpeg probes as a stream whose frames change size
// midway. Everything downstream takes a clip to be one size: the reader refuses it instead.
TEST_F(TakeOnDisk, FramesThatChangeSizeMidwayAreRefused) {
  const unsigned char bytes[] = {0x00, 0x82, 0xff, 0xdf, 0xff, 0xdd, 0xff, 0xff, 0xff, 0x00, 0x27, 0x00, 0x00, 0x20, 0x00,
                                 0x00, 0x22, 0x00, 0x80, 0x00, 0x27, 0x22};
  const auto file = dir_.path() / "changing.mp4";
  testing::write_text(file, std::string(reinterpret_cast<const char*>(bytes), sizeof bytes));
  const std::string decoded = error_of([&] { decode_video(file, 48); });
  EXPECT_NE(decoded.find("changes frame size midway"), std::string::npos) << decoded;
  EXPECT_NE(decoded.find(file.string()), std::string::npos) << decoded;
}

TEST_F(TakeOnDisk, MissingFileIsRefused) { expect_both_refuse(dir_.path() / "never-rendered.mp4"); }

}  // namespace
}  // namespace shotgen::media
