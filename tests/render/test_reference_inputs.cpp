// `shotgen render` with hostile reference images: each one ends the run at once with one error line
// naming the reference and its file, exit 2, nothing written; none can hang the render or make it
// allocate what the file merely declares.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "media/media_fixtures.h"
#include "media/png.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

FilmSpec film_with_reference(const std::string& image) {
  FilmSpec spec;
  spec.extra_toml = "[[references]]\nid = \"board\"\nimage = \"" + image + "\"\nuse = [\"palette\"]\n";
  spec.shots = {{"s1_01"}};
  spec.shots[0].references = {"board"};
  return spec;
}

// Renders the one-shot film and checks the common promise: refused within seconds, one line,
// exit 2, the database never created.
void expect_refused(const fs::path& root, const std::string& expected_words) {
  const auto result = shotgen::testing::run_shotgen_within(
      {"-C", root.string(), "render", "--all", "--model", tiny_model_dir().string()}, 20);
  EXPECT_FALSE(result.needed_term) << "render did not end by itself";
  EXPECT_FALSE(result.needed_kill) << "SIGTERM did not stop the render";
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_NE(result.err.find("reference board"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(expected_words), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(root / "shotgen.db")) << "a refused render must not change the workspace";
}

TEST(ReferenceInputs, FifoIsRefusedWithoutHanging) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", film_with_reference("references/pipe.png"));
  ASSERT_EQ(::mkfifo((root / "references" / "pipe.png").c_str(), 0600), 0);
  expect_refused(root, "FIFO");
}

TEST(ReferenceInputs, DirectoryIsRefused) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", film_with_reference("references/folder.png"));
  fs::create_directories(root / "references" / "folder.png");
  expect_refused(root, "directory");
}

TEST(ReferenceInputs, OversizedFileIsRefusedUnread) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", film_with_reference("references/huge.png"));
  { std::ofstream(root / "references" / "huge.png") << "x"; }
  fs::resize_file(root / "references" / "huge.png", media::kMaxPngFileBytes + (1u << 20));  // sparse: no disk used
  expect_refused(root, "limit");
}

TEST(ReferenceInputs, PngDeclaringHugeDimensionsIsRefusedBeforeAllocating) {
  TempDir dir;
  const fs::path root = make_workspace(dir.path() / "ws", film_with_reference("references/bomb.png"));
  shotgen::testing::write_text(root / "references" / "bomb.png", shotgen::testing::png_declaring(32768, 32768));
  expect_refused(root, "32768x32768");
}

}  // namespace
}  // namespace shotgen::render
