#include <gtest/gtest.h>

#include <unistd.h>

#include "core/error.h"
#include "render/take_files.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

TEST(TakeFiles, NamesAreDeterministicPerJob) {
  const auto paths = take_paths("harbor_01", 1, "0123456789abcdef");
  EXPECT_EQ(paths.mp4, "renders/harbor_01/take_1_0123456789.mp4");
  EXPECT_EQ(paths.poster, "renders/harbor_01/take_1_0123456789.png");
  EXPECT_TRUE(is_take_file_name("take_1_0123456789.mp4"));
  EXPECT_FALSE(is_take_file_name("take_1.mov"));
  EXPECT_FALSE(is_take_file_name(".take_1_0123456789.mp4.tmp-12"));
  EXPECT_EQ(shot_dir_name("a/b c"), "a_b_c");
  EXPECT_EQ(shot_dir_name(".."), "_..");
}

TEST(TakeFiles, RenderLockIsExclusive) {
  TempDir dir;
  {
    RenderLock first(dir.path());
    try {
      RenderLock second(dir.path());
      ADD_FAILURE() << "a second lock on the same workspace was granted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::RenderLocked);  // callers wait and retry on this kind
    }
  }
  RenderLock again(dir.path());  // released with the first
}

TEST(TakeFiles, OnlyDeadWritersTempFilesAreRemoved) {
  TempDir dir;
  fs::create_directories(dir.path() / "renders" / "a");
  write_text(dir.path() / "renders" / "a" / ".take_1_00.mp4.tmp-999999999", "x");  // no such process
  write_text(dir.path() / "renders" / ".film.mp4.tmp-999999998", "x");
  const std::string live = ".film.otio.tmp-" + std::to_string(::getpid());  // e.g. an assemble running now
  write_text(dir.path() / "renders" / live, "x");
  write_text(dir.path() / "renders" / "a" / "take_1_00.mp4", "x");
  write_text(dir.path() / "renders" / "a" / ".notes.tmp-draft", "x");  // a user's name, no writer pid
  EXPECT_EQ(remove_dead_temp_files(dir.path() / "renders").size(), 2u);
  EXPECT_TRUE(fs::exists(dir.path() / "renders" / live));
  EXPECT_TRUE(fs::exists(dir.path() / "renders" / "a" / "take_1_00.mp4"));
  EXPECT_TRUE(fs::exists(dir.path() / "renders" / "a" / ".notes.tmp-draft"));
  EXPECT_TRUE(remove_dead_temp_files(dir.path() / "missing").empty());
}

TEST(TakeFiles, NumbersOnDiskAreFound) {
  TempDir dir;
  EXPECT_EQ(take_number_of_file_name("take_12_0123456789.mp4"), 12);
  EXPECT_EQ(take_number_of_file_name("notes.txt"), std::nullopt);
  EXPECT_EQ(last_take_number_on_disk(dir.path(), "a b"), 0);
  fs::create_directories(dir.path() / "renders" / "a_b");
  write_text(dir.path() / "renders" / "a_b" / "take_3_00aa.png", "x");
  write_text(dir.path() / "renders" / "a_b" / "take_9.txt", "x");
  EXPECT_EQ(last_take_number_on_disk(dir.path(), "a b"), 3);
}

}  // namespace
}  // namespace shotgen::render
