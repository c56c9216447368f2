#include "core/path_within.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace shotgen {
namespace {
namespace fs = std::filesystem;

TEST(PathWithin, ComparesResolvedPathsByWholeComponents) {
  testing::TempDir tmp;
  const fs::path folder = tmp.path() / "refs";
  fs::create_directories(folder / "sub");
  fs::create_directories(tmp.path() / "refs_old");
  EXPECT_TRUE(is_within(folder, folder));
  EXPECT_TRUE(is_within(folder / "sub" / "a.png", folder));
  EXPECT_TRUE(is_within(folder / "sub" / ".." / "a.png", folder.string() + "/"));
  EXPECT_TRUE(is_within(folder / "not_yet" / "x.png", folder));  // need not exist
  EXPECT_FALSE(is_within(tmp.path() / "refs_old" / "a.png", folder));
  EXPECT_FALSE(is_within(folder / ".." / "refs_old" / "a.png", folder));
  EXPECT_FALSE(is_within("/etc/passwd", folder));
}

TEST(PathWithin, FollowsSymlinks) {
  testing::TempDir tmp;
  const fs::path folder = tmp.path() / "refs";
  fs::create_directories(folder);
  fs::create_directories(tmp.path() / "elsewhere");
  fs::create_directory_symlink(tmp.path() / "elsewhere", folder / "link");
  EXPECT_FALSE(is_within(folder / "link" / "a.png", folder));
  EXPECT_EQ(resolve_path(folder / "link" / "a.png"), fs::canonical(tmp.path() / "elsewhere") / "a.png");
  // A folder reached through a symlink contains what it contains.
  fs::create_directory_symlink(folder, tmp.path() / "alias");
  EXPECT_TRUE(is_within(folder / "a.png", tmp.path() / "alias"));
}

}  // namespace
}  // namespace shotgen
