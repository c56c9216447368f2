// The workspace is the boundary for reference images: absolute paths, ".." and symlinks that
// lead out of it are refused unless they lead into [film] reference_library.
#include <gtest/gtest.h>

#include "film/reference_image.h"
#include "support/test_support.h"

namespace shotgen::film {
namespace {
namespace fs = std::filesystem;

class ReferenceImage : public ::testing::Test {
 protected:
  ReferenceImage() {
    fs::create_directories(workspace_ / "references");
    fs::create_directories(outside_);
    testing::write_text(workspace_ / "references" / "board.png", "png");
    testing::write_text(outside_ / "secret.png", "png");
  }

  Outcome<fs::path> resolve(const std::string& image) const {
    Reference ref{"board", image, {"palette"}, {}, "", "film.toml:20:1"};
    return resolve_reference_image(workspace_, film_, ref);
  }

  testing::TempDir tmp_;
  fs::path workspace_ = tmp_.path() / "ws";
  fs::path outside_ = tmp_.path() / "library";
  Film film_;
};

TEST_F(ReferenceImage, PathsInsideTheWorkspaceResolve) {
  auto inside = resolve("references/board.png");
  ASSERT_TRUE(inside.ok()) << inside.problem().message();
  EXPECT_EQ(inside.value(), fs::canonical(workspace_ / "references" / "board.png"));
  EXPECT_TRUE(resolve("references/../references/board.png").ok());
  EXPECT_TRUE(resolve("references/not_yet_there.png").ok());  // existence is lint's other check
  EXPECT_TRUE(resolve((workspace_ / "references" / "board.png").string()).ok());  // absolute but inside
}

TEST_F(ReferenceImage, AbsolutePathOutsideIsRefused) {
  auto outcome = resolve("/etc/passwd");
  ASSERT_FALSE(outcome.ok());
  const Problem& p = outcome.problem();
  EXPECT_EQ(p.code, "reference-outside-workspace");
  EXPECT_EQ(p.where, "film.toml:20:1");
  EXPECT_EQ(p.what, "reference 'board' image '/etc/passwd' is outside the workspace (an absolute path)");
  EXPECT_NE(p.fix.find("[film] reference_library = \"/path/to/library\""), std::string::npos) << p.fix;
  EXPECT_THROW(outcome.value(), Error);
}

TEST_F(ReferenceImage, DotDotOutOfTheWorkspaceIsRefused) {
  auto outcome = resolve("../library/secret.png");
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.problem().what.find("is outside the workspace ('..' leads to "), std::string::npos)
      << outcome.problem().what;
  EXPECT_FALSE(resolve("references/../../../../etc/passwd").ok());
}

TEST_F(ReferenceImage, SymlinkOutOfTheWorkspaceIsRefused) {
  fs::create_symlink(outside_ / "secret.png", workspace_ / "references" / "link.png");
  fs::create_directory_symlink(outside_, workspace_ / "references" / "linked_dir");
  auto file_link = resolve("references/link.png");
  ASSERT_FALSE(file_link.ok());
  EXPECT_NE(file_link.problem().what.find("(a symlink leads to " + fs::canonical(outside_ / "secret.png").string() + ")"),
            std::string::npos)
      << file_link.problem().what;
  EXPECT_FALSE(resolve("references/linked_dir/secret.png").ok());
  // A symlink that stays inside is fine.
  fs::create_symlink(workspace_ / "references" / "board.png", workspace_ / "references" / "alias.png");
  EXPECT_TRUE(resolve("references/alias.png").ok());
}

TEST_F(ReferenceImage, TheReferenceLibraryIsAnExplicitOptIn) {
  film_.info.reference_library = outside_.string();
  EXPECT_TRUE(resolve((outside_ / "secret.png").string()).ok());
  EXPECT_TRUE(resolve("../library/secret.png").ok());
  EXPECT_EQ(reference_library_dir(workspace_, film_), fs::canonical(outside_));
  auto elsewhere = resolve("/etc/passwd");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_NE(elsewhere.problem().what.find("outside the workspace and the reference library"), std::string::npos);
  // Relative to the workspace.
  film_.info.reference_library = "../library";
  EXPECT_TRUE(resolve((outside_ / "secret.png").string()).ok());
  // A folder merely starting with the library's name is not inside it.
  fs::create_directories(tmp_.path() / "library_evil");
  testing::write_text(tmp_.path() / "library_evil" / "x.png", "png");
  EXPECT_FALSE(resolve((tmp_.path() / "library_evil" / "x.png").string()).ok());
}

}  // namespace
}  // namespace shotgen::film
