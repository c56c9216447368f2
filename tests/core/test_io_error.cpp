#include "core/io_error.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace shotgen {
namespace {

TEST(IoError, AFullDiskSaysSoAndHowToFixIt) {
  for (int full : {ENOSPC, EDQUOT}) {
    const Error e = io_error(full, "cannot write file", "renders/s1/take_1.png");
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    EXPECT_EQ(e.problem().code, "disk-full");
    EXPECT_EQ(e.problem().what, "cannot write file: the disk is full");
    EXPECT_EQ(e.problem().where, "renders/s1/take_1.png");
    EXPECT_EQ(e.problem().fix, "free some disk space and run the command again");
  }
  EXPECT_TRUE(is_disk_full(ENOSPC));
  EXPECT_FALSE(is_disk_full(EIO));
}

TEST(IoError, AFailingDiskIsNamedAndEverythingElseKeepsTheSystemsReason) {
  const Error failing = io_error(EIO, "cannot write file", "film.mp4");
  EXPECT_EQ(failing.kind(), ErrorKind::Io);
  EXPECT_EQ(failing.problem().code, "io");
  EXPECT_NE(failing.problem().what.find("input/output error"), std::string::npos);
  EXPECT_NE(failing.problem().fix.find("check the disk"), std::string::npos);

  const Error read_only = io_error(EROFS, "cannot create file", "renders/.x.tmp-1");
  EXPECT_EQ(read_only.problem().what, "cannot create file: Read-only file system");
  EXPECT_EQ(read_only.problem().fix, "check that the folder is writable");
}

}  // namespace
}  // namespace shotgen
