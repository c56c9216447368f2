#include "media/video_encoder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "media/media_fixtures.h"
#include "media/video_reader.h"
#include "support/test_support.h"

namespace shotgen::media {
namespace {

using nlohmann::json;
using testing::TempDir;

const std::string kPrompt = "Arcane look — a \"hero\" in the rain, café neon, 猫 & 'quotes'";

EncodeOptions take_options() {
  EncodeOptions options;
  options.fps = 12;
  options.out_width = 256;
  options.out_height = 128;
  options.preset = "veryfast";
  options.metadata = {{"title", "The Test Film"},
                      {"comment", "rendered by shotgen"},
                      {"shotgen_shot", "s01_intro"},
                      {"shotgen_take", "2"},
                      {"shotgen_prompt", kPrompt},
                      {"shotgen_negative", "photorealistic, live action, extra fingers"},
                      {"shotgen_seed", "1234567890123"},
                      {"shotgen_model", "shotgen-default-v1"},
                      {"shotgen_prompt_hash", "9f86d081884c7d659a2feaa0c55ad015"}};
  return options;
}

json ffprobe(const std::filesystem::path& file) {
  auto result = testing::run_program(
      "ffprobe", {"-v", "error", "-show_streams", "-show_format", "-count_frames", "-of", "json", file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out);
}

// Top-level MP4 boxes in file order (size + four-character type, walking the box sizes).
std::vector<std::string> top_level_boxes(const std::string& bytes) {
  std::vector<std::string> boxes;
  std::size_t at = 0;
  while (at + 8 <= bytes.size()) {
    std::uint64_t size = 0;
    for (int i = 0; i < 4; ++i) size = (size << 8) | static_cast<unsigned char>(bytes[at + i]);
    std::string type = bytes.substr(at + 4, 4);
    if (size == 1 && at + 16 <= bytes.size()) {  // 64-bit large size
      size = 0;
      for (int i = 8; i < 16; ++i) size = (size << 8) | static_cast<unsigned char>(bytes[at + i]);
    }
    if (size < 8) break;
    boxes.push_back(type);
    at += size;
  }
  return boxes;
}

class EncodedTake : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    encode_mp4(path(), testing::moving_gradient_clip(64, 32, 12), take_options());
    probe_ = new json(ffprobe(path()));
  }
  static void TearDownTestSuite() {
    delete probe_;
    delete dir_;
  }
  static std::filesystem::path path() { return dir_->path() / "s01_intro_take2.mp4"; }
  static const json& video_stream() { return (*probe_)["streams"][0]; }
  static const json& format() { return (*probe_)["format"]; }

  static TempDir* dir_;
  static json* probe_;
};
TempDir* EncodedTake::dir_ = nullptr;
json* EncodedTake::probe_ = nullptr;

TEST_F(EncodedTake, IsH264Yuv420pAtTheRequestedSize) {
  ASSERT_EQ(probe_->at("streams").size(), 1u);
  EXPECT_EQ(video_stream()["codec_name"], "h264");
  EXPECT_EQ(video_stream()["pix_fmt"], "yuv420p");
  EXPECT_EQ(video_stream()["width"], 256);
  EXPECT_EQ(video_stream()["height"], 128);
}

TEST_F(EncodedTake, HasEveryFrameAtTheFrameRateAndTheExactDuration) {
  EXPECT_EQ(video_stream()["nb_read_frames"], "12");
  EXPECT_EQ(video_stream()["nb_frames"], "12");
  EXPECT_EQ(video_stream()["r_frame_rate"], "12/1");
  EXPECT_EQ(video_stream()["avg_frame_rate"], "12/1");
  EXPECT_NEAR(std::stod(format()["duration"].get<std::string>()), 1.0, 0.001);
  EXPECT_NEAR(std::stod(video_stream()["duration"].get<std::string>()), 1.0, 0.001);
}

TEST_F(EncodedTake, CarriesEveryMetadataTagVerbatim) {
  const json& tags = format()["tags"];
  for (const auto& [key, value] : take_options().metadata) {
    ASSERT_TRUE(tags.contains(key)) << "missing tag " << key << " in " << tags.dump();
    EXPECT_EQ(tags[key], value) << key;
  }
}

TEST_F(EncodedTake, IsFaststart) {
  const auto boxes = top_level_boxes(testing::read_text(path()));
  const auto moov = std::find(boxes.begin(), boxes.end(), "moov");
  const auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
  ASSERT_NE(moov, boxes.end());
  ASSERT_NE(mdat, boxes.end());
  EXPECT_LT(moov - boxes.begin(), mdat - boxes.begin());
}

TEST_F(EncodedTake, LeavesOnlyTheFinalFile) {
  EXPECT_EQ(testing::entries_in(dir_->path()), 1);
}

TEST_F(EncodedTake, ProbeVideoAgreesWithFfprobe) {
  const VideoProbe probe = probe_video(path());
  EXPECT_EQ(probe.frames, 12);
  EXPECT_DOUBLE_EQ(probe.fps, 12.0);
  EXPECT_NEAR(probe.duration_seconds, 1.0, 0.001);
  EXPECT_EQ(probe.width, 256);
  EXPECT_EQ(probe.height, 128);
  EXPECT_EQ(probe.codec, "h264");
  EXPECT_EQ(probe.metadata.at("shotgen_prompt"), kPrompt);
  EXPECT_EQ(probe.metadata.at("title"), "The Test Film");
}

TEST(VideoEncoder, RoundTripKeepsTheFrames) {
  TempDir dir;
  const Clip clip = testing::moving_gradient_clip(64, 48, 8);
  EncodeOptions options;
  options.fps = 24;
  options.preset = "veryfast";
  encode_mp4(dir.path() / "take.mp4", clip, options);
  const Clip decoded = decode_video(dir.path() / "take.mp4");
  ASSERT_EQ(decoded.frame_count(), clip.frame_count());
  for (int i = 0; i < clip.frame_count(); ++i) {
    ASSERT_EQ(decoded.frames[i].width, 64);
    ASSERT_EQ(decoded.frames[i].height, 48);
    EXPECT_GT(testing::psnr(decoded.frames[i], clip.frames[i]), 30.0) << "frame " << i;
  }
  // Colours come back where they were, not shifted by a mismatched matrix or range.
  const Clip extremes{{testing::solid(32, 32, 255, 255, 255), testing::solid(32, 32, 0, 0, 0),
                       testing::solid(32, 32, 200, 40, 40)}};
  encode_mp4(dir.path() / "extremes.mp4", extremes, options);
  const Clip back = decode_video(dir.path() / "extremes.mp4");
  for (int i = 0; i < 3; ++i) {
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(back.frames[i].pixel(16, 16)[c], extremes.frames[i].pixel(16, 16)[c], 4);
  }
}

TEST(VideoEncoder, FractionalFrameRateIsExactNtsc) {
  TempDir dir;
  EncodeOptions options;
  options.fps = 23.976;
  options.preset = "ultrafast";
  encode_mp4(dir.path() / "ntsc.mp4", testing::moving_gradient_clip(32, 32, 24), options);
  const json probe = ffprobe(dir.path() / "ntsc.mp4");
  EXPECT_EQ(probe["streams"][0]["r_frame_rate"], "24000/1001");
  EXPECT_EQ(probe["streams"][0]["nb_read_frames"], "24");
  EXPECT_NEAR(std::stod(probe["format"]["duration"].get<std::string>()), 24 * 1001 / 24000.0, 0.001);
}

TEST(VideoEncoder, OddSizesBecomeEven) {
  TempDir dir;
  EncodeOptions options;
  options.preset = "ultrafast";
  encode_mp4(dir.path() / "odd.mp4", testing::moving_gradient_clip(33, 17, 2), options);
  VideoProbe probe = probe_video(dir.path() / "odd.mp4");
  EXPECT_EQ(probe.width, 32);
  EXPECT_EQ(probe.height, 16);
  options.out_width = 101;  // height follows the aspect ratio: 101 * 17 / 33 = 52
  encode_mp4(dir.path() / "wide.mp4", testing::moving_gradient_clip(33, 17, 2), options);
  probe = probe_video(dir.path() / "wide.mp4");
  EXPECT_EQ(probe.width, 100);
  EXPECT_EQ(probe.height, 52);
}

TEST(VideoWriter, StreamsFramesAndRenamesOnFinish) {
  TempDir dir;
  const auto path = dir.path() / "film.mp4";
  EncodeOptions options;
  options.fps = 25;
  options.preset = "ultrafast";
  VideoWriter writer;
  writer.open(path, 48, 32, options);
  for (int t = 0; t < 30; ++t) writer.write(testing::moving_gradient(48, 32, t));
  EXPECT_FALSE(std::filesystem::exists(path)) << "visible only once complete";
  EXPECT_EQ(writer.frames_written(), 30);
  writer.finish();
  EXPECT_FALSE(writer.is_open());
  EXPECT_EQ(probe_video(path).frames, 30);
  EXPECT_EQ(testing::entries_in(dir.path()), 1);
}

TEST(VideoWriter, AbandonedWriterLeavesNoFile) {
  TempDir dir;
  {
    VideoWriter writer;
    EncodeOptions options;
    options.preset = "ultrafast";
    writer.open(dir.path() / "cancelled.mp4", 32, 32, options);
    writer.write(testing::solid(32, 32, 10, 20, 30));
    EXPECT_EQ(testing::entries_in(dir.path()), 1);  // the temporary file exists meanwhile
    EXPECT_THROW(writer.write(testing::solid(16, 16, 0, 0, 0)), Error);  // wrong size
  }
  EXPECT_EQ(testing::entries_in(dir.path()), 0);
}

TEST(VideoEncoder, BadOptionsAreClearErrors) {
  TempDir dir;
  const Clip clip = testing::moving_gradient_clip(16, 16, 2);
  EncodeOptions options;
  options.fps = 0;
  EXPECT_THROW(encode_mp4(dir.path() / "a.mp4", clip, options), Error);
  options.fps = 24;
  options.preset = "warp-speed";
  try {
    encode_mp4(dir.path() / "a.mp4", clip, options);
    ADD_FAILURE() << "an unknown preset must fail";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("warp-speed"), std::string::npos) << error.what();
  }
  EXPECT_THROW(encode_mp4(dir.path() / "a.mp4", Clip{}, EncodeOptions{}), Error);
  EXPECT_EQ(testing::entries_in(dir.path()), 0);
}

void expect_unwritable(const std::filesystem::path& out, const std::filesystem::path& folder_to_check) {
  EncodeOptions options;
  options.preset = "ultrafast";
  try {
    encode_mp4(out, testing::moving_gradient_clip(16, 16, 2), options);
    ADD_FAILURE() << "writing " << out << " must fail";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(out.string()), std::string::npos) << error.what();
  }
  EXPECT_EQ(testing::entries_in(folder_to_check), 0);
}

TEST(VideoEncoder, MissingOutputFolderIsAnErrorNamingTheFile) {
  TempDir dir;
  expect_unwritable(dir.path() / "no-such-folder" / "take.mp4", dir.path());
}

TEST(VideoEncoder, ReadOnlyOutputFolderIsAnErrorAndLeavesNoTempFile) {
  TempDir dir;
  const auto folder = dir.path() / "locked";
  std::filesystem::create_directory(folder);
  ::chmod(dir.path().c_str(), 0755);  // the unprivileged user below must reach the folder
  ::chmod(folder.c_str(), 0555);
  // Root writes into read-only folders, so as root (CI) the check runs as the user nobody.
  if (::geteuid() == 0)
    EXPECT_EQ(testing::run_as_nobody([&] { expect_unwritable(folder / "take.mp4", folder); }), 0);
  else
    expect_unwritable(folder / "take.mp4", folder);
  ::chmod(folder.c_str(), 0755);
}

}  // namespace
}  // namespace shotgen::media
