#include "media/mp4_retag.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "media/media_fixtures.h"
#include "media/video_encoder.h"
#include "media/video_reader.h"
#include "support/test_support.h"

namespace shotgen::media {
namespace {

using testing::TempDir;

std::filesystem::path encoded(const TempDir& dir) {
  EncodeOptions options;
  options.fps = 12;
  options.preset = "veryfast";
  options.metadata = {{"title", "before"}, {"shotgen_take", "0"}, {"shotgen_node_only", "x"}};
  const auto path = dir.path() / "node.mp4";
  encode_mp4(path, testing::moving_gradient_clip(64, 32, 9), options);
  return path;
}

TEST(Mp4Retag, CopiesThePicturesWithExactlyTheNewTags) {
  TempDir dir;
  const auto in = encoded(dir);
  const auto out = dir.path() / "take_3_abc.mp4";
  const std::map<std::string, std::string> tags = {
      {"title", "Film - s1 take 3"}, {"shotgen_take", "3"}, {"shotgen_prompt", "café 猫"}};
  copy_mp4_with_tags(in, out, tags);

  const auto before = probe_video(in);
  const auto after = probe_video(out);
  EXPECT_EQ(after.frames, 9);
  EXPECT_EQ(after.width, before.width);
  EXPECT_EQ(after.height, before.height);
  EXPECT_NEAR(after.fps, 12.0, 1e-6);
  EXPECT_EQ(after.metadata.at("title"), "Film - s1 take 3");
  EXPECT_EQ(after.metadata.at("shotgen_take"), "3");
  EXPECT_EQ(after.metadata.at("shotgen_prompt"), "café 猫");
  EXPECT_EQ(after.metadata.count("shotgen_node_only"), 0u) << "the input's own tags are dropped";
  // Stream copy: the decoded pictures are identical, not a second generation.
  const Clip a = decode_video(in), b = decode_video(out);
  ASSERT_EQ(a.frames.size(), b.frames.size());
  for (std::size_t i = 0; i < a.frames.size(); ++i) EXPECT_EQ(a.frames[i].rgb, b.frames[i].rgb) << "frame " << i;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_FALSE(is_temp_file_name(entry.path().filename().string())) << entry.path();
}

TEST(Mp4Retag, ADamagedInputLeavesNothingAndSaysCorrupt) {
  TempDir dir;
  write_file_atomic(dir.path() / "garbage.mp4", std::string(4096, 'x'));
  const auto out = dir.path() / "out.mp4";
  try {
    copy_mp4_with_tags(dir.path() / "garbage.mp4", out, {{"title", "t"}});
    FAIL() << "garbage was copied";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Corrupt) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_FALSE(is_temp_file_name(entry.path().filename().string())) << entry.path();
}

}  // namespace
}  // namespace shotgen::media
