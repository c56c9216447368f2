// Which workspace files the page may fetch: renders/ and references/ only, no '..', no absolute
// path, no symlink out, no hidden file.
#include <gtest/gtest.h>

#include "serve/api_error.h"
#include "serve/workspace_files.h"
#include "support/test_support.h"

namespace shotgen::serve {
namespace {

namespace fs = std::filesystem;
using shotgen::testing::TempDir;
using shotgen::testing::write_text;

struct Workspace {
  TempDir dir;
  fs::path root = dir.path() / "ws";
  TempDir outside;
  Workspace() {
    fs::create_directories(root / "renders" / "s1_01");
    fs::create_directories(root / "references");
    write_text(root / "film.toml", "format_version = 1\n");
    write_text(root / "shotgen.db", "not served");
    write_text(root / "renders" / "s1_01" / "take_1_abc.mp4", "0123456789");
    write_text(root / "renders" / "s1_01" / ".take_1_abc.mp4.tmp-12", "partial");
    write_text(root / "references" / "board.png", "png");
    write_text(outside.path() / "secret.txt", "secret");
  }
};

int status_of(const fs::path& root, std::string_view relative) {
  try {
    resolve_served_file(root, relative);
    return 200;
  } catch (const ApiError& e) {
    return e.status();
  }
}

TEST(WorkspaceFiles, ServesRendersAndReferences) {
  Workspace ws;
  const auto take = resolve_served_file(ws.root, "renders/s1_01/take_1_abc.mp4");
  EXPECT_EQ(take.size, 10u);
  EXPECT_EQ(take.content_type, "video/mp4");
  EXPECT_EQ(resolve_served_file(ws.root, "references/board.png").content_type, "image/png");
}

TEST(WorkspaceFiles, RefusesDotDotAbsoluteAndMalformedPaths) {
  Workspace ws;
  for (const char* path : {"../film.toml", "renders/../film.toml", "renders/../../etc/passwd", "renders/s1_01/..",
                           "./renders/s1_01/take_1_abc.mp4", "renders//s1_01/take_1_abc.mp4", "/etc/passwd",
                           "renders\\s1_01\\take_1_abc.mp4", "", "renders/"})
    EXPECT_EQ(status_of(ws.root, path), 400) << path;
  EXPECT_EQ(status_of(ws.root, std::string_view("renders/s1_01/x\0y", 17)), 400);
}

TEST(WorkspaceFiles, RefusesEverythingOutsideRendersAndReferences) {
  Workspace ws;
  EXPECT_EQ(status_of(ws.root, "film.toml"), 403);
  EXPECT_EQ(status_of(ws.root, "shotgen.db"), 403);
  EXPECT_EQ(status_of(ws.root, "renders/s1_01/.take_1_abc.mp4.tmp-12"), 403);
  EXPECT_EQ(status_of(ws.root, "renders/s1_01"), 403);  // a folder
  EXPECT_EQ(status_of(ws.root, "renders/s1_01/take_9_none.mp4"), 404);
}

TEST(WorkspaceFiles, RefusesSymlinksLeadingOut) {
  Workspace ws;
  fs::create_symlink(ws.outside.path(), ws.root / "renders" / "out");
  fs::create_symlink(ws.outside.path() / "secret.txt", ws.root / "renders" / "s1_01" / "secret.mp4");
  EXPECT_EQ(status_of(ws.root, "renders/out/secret.txt"), 403);
  EXPECT_EQ(status_of(ws.root, "renders/s1_01/secret.mp4"), 403);
  // A symlink that stays inside the served folder is fine.
  fs::create_symlink(ws.root / "renders" / "s1_01" / "take_1_abc.mp4", ws.root / "renders" / "latest.mp4");
  EXPECT_EQ(status_of(ws.root, "renders/latest.mp4"), 200);
  // renders/ itself a symlink out of the workspace: nothing under it is served.
  TempDir other;
  fs::create_directories(other.path() / "r");
  write_text(other.path() / "r" / "a.mp4", "x");
  fs::remove_all(ws.root / "references");
  fs::create_symlink(other.path() / "r", ws.root / "references");
  EXPECT_EQ(status_of(ws.root, "references/a.mp4"), 403);
}

}  // namespace
}  // namespace shotgen::serve
