#include <gtest/gtest.h>

#include "core/error.h"
#include "render/take_files.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

TEST(TakeFiles, NamesAreDeterministicPerJob) {
  const auto paths = take_paths("harbor_01", 0, "0123456789abcdef");
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
    EXPECT_THROW(RenderLock second(dir.path()), Error);
  }
  RenderLock again(dir.path());  // released with the first
}

TEST(TakeFiles, TempFilesAreRemovedRecursively) {
  TempDir dir;
  fs::create_directories(dir.path() / "renders" / "a");
  write_text(dir.path() / "renders" / "a" / ".take_1_00.mp4.tmp-1", "x");
  write_text(dir.path() / "renders" / ".film.mp4.tmp-2", "x");
  write_text(dir.path() / "renders" / "a" / "take_1_00.mp4", "x");
  EXPECT_EQ(remove_temp_files(dir.path() / "renders").size(), 2u);
  EXPECT_TRUE(fs::exists(dir.path() / "renders" / "a" / "take_1_00.mp4"));
  EXPECT_TRUE(remove_temp_files(dir.path() / "missing").empty());
}

}  // namespace
}  // namespace shotgen::render
