#include <gtest/gtest.h>

#include "core/error.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "support/test_support.h"

namespace shotgen::film {
namespace {
namespace fs = std::filesystem;

TEST(Workspace, InitScaffoldsALoadableWorkspace) {
  testing::TempDir tmp;
  auto dir = tmp.path() / "new_film";
  Workspace ws = Workspace::init(dir, "My \"First\" Film");
  EXPECT_EQ(ws.root(), dir);
  EXPECT_TRUE(fs::is_regular_file(dir / "film.toml"));
  EXPECT_TRUE(fs::is_directory(ws.references_dir()));
  EXPECT_TRUE(fs::is_directory(ws.renders_dir()));
  EXPECT_EQ(ws.database(), dir / "shotgen.db");

  Film film = load_film_file(ws.film_toml());
  EXPECT_EQ(film.info.title, "My \"First\" Film");
  EXPECT_FALSE(film.style.text.empty());
  EXPECT_FALSE(film.negative.format.empty());
  EXPECT_FALSE(film.negative.anatomy.empty());
  EXPECT_FALSE(film.negative.quality.empty());
  EXPECT_LE(film.negative.all_terms().size(), 12u);
  EXPECT_GE(film.shot_count(), 1u);
  EXPECT_EQ(film.render.layout_guide, kNewFilmLayoutGuide);  // a new film's words place its figures (README)
  // What `generate --as-film` finishes a clip with: a new film's passes.
  ASSERT_TRUE(film.finish.passes);
  EXPECT_EQ(*film.finish.passes, (std::vector<FinishPass>{FinishPass::Deflicker, FinishPass::StyleTexture,
                                                          FinishPass::PaletteMatch, FinishPass::Reframe,
                                                          FinishPass::Upscale}));
}

TEST(Workspace, ScaffoldExplainsEverySection) {
  std::string text = scaffold_film_toml("T");
  for (const char* section : {"[film]", "[style]", "[negative]", "[look]", "[render]", "[routing]", "[[references]]",
                              "[[scenes]]", "[[scenes.shots]]"})
    EXPECT_NE(text.find(section), std::string::npos) << section;
  EXPECT_NE(text.find("opens EVERY prompt"), std::string::npos);
  EXPECT_NE(text.find("long lists dilute each term"), std::string::npos);
}

TEST(Workspace, InitRefusesToOverwrite) {
  testing::TempDir tmp;
  testing::write_text(tmp.path() / "film.toml", "# mine\n");
  try {
    Workspace::init(tmp.path(), "T");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.problem().what.find("film.toml already exists"), std::string::npos);
  }
  EXPECT_EQ(testing::read_text(tmp.path() / "film.toml"), "# mine\n");
  EXPECT_FALSE(fs::exists(tmp.path() / "references"));
}

TEST(Workspace, OpenFindsFilmToml) {
  testing::TempDir tmp;
  Workspace::init(tmp.path(), "T");
  EXPECT_EQ(Workspace::open(tmp.path()).film_toml(), tmp.path() / "film.toml");
}

TEST(Workspace, OpenWithoutFilmTomlSaysHowToFix) {
  testing::TempDir tmp;
  try {
    Workspace::open(tmp.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().what, "no film.toml in " + tmp.path().string());
    EXPECT_NE(e.problem().fix.find("shotgen init"), std::string::npos);
    EXPECT_NE(e.problem().fix.find("-C"), std::string::npos);
  }
  EXPECT_THROW(Workspace::open(tmp.path() / "absent"), Error);
}

}  // namespace
}  // namespace shotgen::film
