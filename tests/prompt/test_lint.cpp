#include "prompt/lint.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "prompt/film_fixture.h"
#include "support/test_support.h"

namespace shotgen::prompt {
namespace {

using shotgen::testing::TempDir;
using shotgen::testing::write_text;

// The fixture film, trimmed so that it lints clean.
film::Film clean_film() {
  auto film = testing::make_film();
  film.scenes[0].negative = {"rain"};
  film.scenes[0].shots[0].negative = {};
  film.references[0].ignore = {"lighting"};
  film.scenes[0].shots[0].source = "film.toml:40:1";
  return film;
}

struct Workspace {
  TempDir dir;
  Workspace() {
    std::filesystem::create_directories(dir.path() / "refs");
    write_text(dir.path() / "refs" / "board.png", "png");
  }
};

std::vector<LintFinding> with_code(const LintReport& report, std::string_view code) {
  std::vector<LintFinding> out;
  for (const auto& f : report.findings())
    if (f.code == code) out.push_back(f);
  return out;
}

TEST(Lint, CleanFilmHasNoFindings) {
  Workspace ws;
  auto report = lint_film(clean_film(), ws.dir.path());
  EXPECT_TRUE(report.findings().empty()) << report.to_text();
  EXPECT_EQ(report.exit_code(), 0);
}

TEST(Lint, NegatedWordsInTheStyleBlockAreNotRequests) {
  // The style block says "not live action, not photorealistic" while both are negative terms.
  Workspace ws;
  auto film = clean_film();
  ASSERT_NE(film.style.text.find("not photorealistic"), std::string::npos);
  EXPECT_TRUE(with_code(lint_film(film, ws.dir.path()), "negated-term-requested").empty());
}

TEST(Lint, MissingStyleBlockIsAnError) {
  Workspace ws;
  auto film = clean_film();
  film.style.text = " ";
  auto report = lint_film(film, ws.dir.path());
  ASSERT_EQ(with_code(report, "missing-style-block").size(), 1u);
  EXPECT_EQ(with_code(report, "missing-style-block")[0].severity, Severity::Error);
  EXPECT_NE(with_code(report, "missing-style-block")[0].fix.find("[style] block = "), std::string::npos);
  EXPECT_EQ(report.exit_code(), 2);
}

TEST(Lint, MissingNegativeBlockIsAnError) {
  Workspace ws;
  auto film = clean_film();
  film.negative = {};
  auto report = lint_film(film, ws.dir.path());
  EXPECT_EQ(with_code(report, "missing-negative-block").size(), 1u);
  EXPECT_EQ(report.exit_code(), 2);
}

TEST(Lint, TermBothAskedForAndNegatedIsAnError) {
  Workspace ws;
  auto film = clean_film();
  film.scenes[0].shots[1].action = "A photorealistic close look at her face";
  film.scenes[0].shots[0].look.get(film::LookField::Atmosphere) = "light rain";
  auto report = lint_film(film, ws.dir.path());
  auto found = with_code(report, "negated-term-requested");
  ASSERT_EQ(found.size(), 2u) << report.to_text();
  EXPECT_EQ(found[0].where, "shot a1");
  EXPECT_NE(found[0].message.find("'rain'"), std::string::npos);
  EXPECT_NE(found[0].message.find("atmosphere"), std::string::npos);
  EXPECT_EQ(found[0].source, "film.toml:40:1");
  EXPECT_EQ(found[1].where, "shot a2");
  EXPECT_NE(found[1].message.find("'photorealistic'"), std::string::npos);
  EXPECT_NE(found[1].message.find("action"), std::string::npos);
  EXPECT_EQ(report.exit_code(), 2);
  // Written negated, it is fine; and "text" does not match "texture".
  film.scenes[0].shots[1].action = "A close look at her face, without photorealistic skin";
  film.scenes[0].shots[0].look.get(film::LookField::Atmosphere) = "no rain";
  film.negative.quality.push_back("text");
  EXPECT_TRUE(with_code(lint_film(film, ws.dir.path()), "negated-term-requested").empty());
}

TEST(Lint, ReferenceUsingAndIgnoringOneDimensionIsAnError) {
  Workspace ws;
  auto film = clean_film();
  film.references[0].ignore = {"palette"};
  auto found = with_code(lint_film(film, ws.dir.path()), "negated-term-requested");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where, "reference board");
}

TEST(Lint, MissingReferenceFileIsAnError) {
  TempDir empty;
  auto report = lint_film(clean_film(), empty.path());
  auto found = with_code(report, "reference-file-missing");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("refs/board.png"), std::string::npos);
  EXPECT_EQ(report.exit_code(), 2);
}

TEST(Lint, UnknownReferenceIsAnErrorWithSuggestion) {
  Workspace ws;
  auto film = clean_film();
  film.scenes[1].shots[0].references = {"bord"};
  auto found = with_code(lint_film(film, ws.dir.path()), "unknown-reference");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where, "shot b1");
  EXPECT_EQ(found[0].fix, "did you mean 'board'?");
}

TEST(Lint, DurationsOutOfRangeAreErrors) {
  Workspace ws;
  auto film = clean_film();
  film.scenes[0].shots[1].duration = 0.0;
  film.scenes[1].shots[0].duration = 1e9;
  film.info.default_shot_duration = -1.0;
  auto found = with_code(lint_film(film, ws.dir.path()), "duration-out-of-range");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].where, "film.default_shot_duration");
  EXPECT_EQ(found[1].where, "shot a2");
  EXPECT_EQ(found[2].where, "shot b1");
  EXPECT_EQ(found[2].message, "duration is 1e+09 seconds");
  EXPECT_NE(found[2].fix.find("at most 600"), std::string::npos) << found[2].fix;
  film.scenes[1].shots[0].duration = film::kMaxShotSeconds;
  EXPECT_EQ(with_code(lint_film(film, ws.dir.path()), "duration-out-of-range").size(), 2u);
}

TEST(Lint, ReferenceOutsideTheWorkspaceIsAnError) {
  Workspace ws;
  auto film = clean_film();
  film.references[0].image = "../../etc/passwd";
  film.references[0].source = "film.toml:30:1";
  auto report = lint_film(film, ws.dir.path());
  auto found = with_code(report, "reference-outside-workspace");
  ASSERT_EQ(found.size(), 1u) << report.to_text();
  EXPECT_EQ(found[0].severity, Severity::Error);
  EXPECT_EQ(found[0].source, "film.toml:30:1");
  EXPECT_NE(found[0].message.find("is outside the workspace ('..' leads to "), std::string::npos) << found[0].message;
  EXPECT_TRUE(with_code(report, "reference-file-missing").empty());  // one error, not two
}

TEST(Lint, LookWordsOutsideTheModelVocabularyAreWarnings) {
  Workspace ws;
  auto film = clean_film();
  film.scenes[0].shots[1].look.get(film::LookField::Lighting) = "backlit silhouete, backlit (silhouete:1.2)";
  LintOptions options;
  // A fixture vocabulary: the bundled model's changes whenever it is retrained.
  options.vocabulary = ModelVocabulary{"models/fixture", {"backlit", "silhouette", "static", "35mm", "low", "key", "warm",
                                                          "practicals", "teal", "and", "orange", "melancholic", "in",
                                                          "the", "style", "of", "a", "1970s", "western", "cool",
                                                          "blues", "night", "moonlit"}};
  auto report = lint_film(film, ws.dir.path(), options);
  auto found = with_code(report, "unknown-look-word");
  ASSERT_EQ(found.size(), 1u) << report.to_text();  // once per word and level
  EXPECT_EQ(found[0].severity, Severity::Warning);
  EXPECT_EQ(found[0].where, "shot a2 look.lighting");
  EXPECT_NE(found[0].message.find("never seen the word 'silhouete' (vocabulary of models/fixture)"), std::string::npos)
      << found[0].message;
  EXPECT_EQ(found[0].fix, "did you mean 'silhouette'?");
  // A word that is no typo still names the nearest known word.
  film.scenes[0].shots[1].look.get(film::LookField::Lighting) = "zzzz";
  found = with_code(lint_film(film, ws.dir.path(), options), "unknown-look-word");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].fix.find("the nearest word it knows is"), std::string::npos) << found[0].fix;
  // Without a vocabulary the check does not run.
  EXPECT_TRUE(with_code(lint_film(film, ws.dir.path()), "unknown-look-word").empty());
}

TEST(Lint, ModelVocabularyIsReadFromTheModelFolder) {
  TempDir dir;
  write_text(dir.path() / "config.json", R"({"vocab_file": "words.txt", "width": 8})");
  write_text(dir.path() / "words.txt", "alpha\r\nbeta\n\ngamma\n");
  auto vocabulary = read_model_vocabulary(dir.path());
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.problem().message();
  EXPECT_EQ(vocabulary.value().words, (std::vector<std::string>{"alpha", "beta", "gamma"}));
  // The word list must stay inside the model folder.
  write_text(dir.path() / "config.json", R"({"vocab_file": "../../../../etc/passwd"})");
  auto outside = read_model_vocabulary(dir.path());
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.problem().code, "model-vocabulary");
  EXPECT_NE(outside.problem().what.find("leads outside the model folder"), std::string::npos);
  EXPECT_FALSE(read_model_vocabulary(dir.path() / "missing").ok());
  EXPECT_EQ(model_words("Backlit (silhouette:1.3), 35mm f/1.8 café"),
            (std::vector<std::string>{"backlit", "silhouette", "35mm", "f", "1", "8", "caf"}));
}

TEST(Lint, LongNegativeListIsAWarning) {
  Workspace ws;
  // a1 has 12 terms: the block (10), "rain", and one reference ignore.
  auto report = lint_film(clean_film(), ws.dir.path(), LintOptions{.max_negative_terms = 11});
  auto found = with_code(report, "negative-list-too-long");
  ASSERT_EQ(found.size(), 1u) << report.to_text();
  EXPECT_EQ(found[0].where, "shot a1");
  EXPECT_EQ(found[0].severity, Severity::Warning);
  EXPECT_EQ(report.exit_code(), 1);
  // A block over the threshold is reported once, not for every shot.
  found = with_code(lint_film(clean_film(), ws.dir.path(), LintOptions{.max_negative_terms = 5}),
                    "negative-list-too-long");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where, "negative");
}

TEST(Lint, RepeatedNegativeTermsAreWarnings) {
  Workspace ws;
  auto film = clean_film();
  film.negative.extra = {"Live  Action"};
  film.scenes[0].negative.push_back("BLURRY");
  film.scenes[0].shots[0].negative = {"rain"};
  auto report = lint_film(film, ws.dir.path());
  auto found = with_code(report, "negative-term-repeated");
  ASSERT_EQ(found.size(), 3u) << report.to_text();
  EXPECT_EQ(found[0].where, "negative.extra");
  EXPECT_NE(found[0].message.find("negative.format"), std::string::npos);
  EXPECT_EQ(found[1].where, "scene s1");
  EXPECT_EQ(found[2].where, "shot a1");
  EXPECT_NE(found[2].message.find("scene s1 negative"), std::string::npos);
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(Lint, ShotOverrideNamingAnotherStyleIsAWarning) {
  Workspace ws;
  auto film = clean_film();
  film.scenes[0].shots[1].action = "An anime chase over the roofs";
  film.scenes[1].look.get(film::LookField::Mood) = "dreamy watercolor haze";
  auto report = lint_film(film, ws.dir.path());
  auto found = with_code(report, "style-displaced");
  ASSERT_EQ(found.size(), 2u) << report.to_text();
  EXPECT_EQ(found[0].where, "scene s2");
  EXPECT_NE(found[0].message.find("'watercolor'"), std::string::npos);
  EXPECT_EQ(found[1].where, "shot a2");
  EXPECT_NE(found[1].message.find("'anime'"), std::string::npos);
  // The same word in the style block makes it the film's style, not a displacement.
  film.style.text += ", anime and watercolor touches";
  EXPECT_TRUE(with_code(lint_film(film, ws.dir.path()), "style-displaced").empty());
}

TEST(Lint, ActionLongerThanStyleBlockIsAWarning) {
  Workspace ws;
  auto film = clean_film();
  film.style.text = "hand-painted Arcane animation, not photorealistic";  // 6 words
  film.scenes[1].shots[0].action = "The city lights flicker far below the tower";  // 8 words
  auto found = with_code(lint_film(film, ws.dir.path()), "style-displaced");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where, "shot b1");
  EXPECT_NE(found[0].message.find("8 words"), std::string::npos);
}

TEST(Lint, ConflictingLookFieldsAreWarnings) {
  Workspace ws;
  auto film = clean_film();
  film.look.get(film::LookField::Lighting) = "night, high-key";
  film.scenes[0].look.get(film::LookField::Palette) = "monochrome with warm highlights";
  film.scenes[0].shots[1].look.get(film::LookField::CameraMove) = "static, slow pan left";
  film.scenes[1].shots[0].look.get(film::LookField::Atmosphere) = "clear, no fog";  // negated: fine
  auto report = lint_film(film, ws.dir.path());
  auto found = with_code(report, "conflicting-look");
  ASSERT_EQ(found.size(), 3u) << report.to_text();
  EXPECT_EQ(found[0].where, "look.lighting");
  EXPECT_EQ(found[1].where, "scene s1 look.palette");
  EXPECT_EQ(found[2].where, "shot a2 look.camera_move");
  EXPECT_NE(found[2].message.find("'static'"), std::string::npos);
  EXPECT_NE(found[2].message.find("'pan'"), std::string::npos);
}

TEST(Lint, LightInTheActionAgainstTheShotsLightingIsAWarning) {
  Workspace ws;
  auto film = clean_film();  // film lighting "low-key, warm practicals"; a1 "night, moonlit"
  film.scenes[0].shots[1].action = "She hides while lantern light moves over the stones";
  film.scenes[0].shots[0].action = "A girl runs across the bright rooftop";
  film.scenes[1].shots[0].look.get(film::LookField::Lighting) = "golden hour";
  film.scenes[1].shots[0].action = "The city lies in shadows below";
  auto report = lint_film(film, ws.dir.path());
  auto found = with_code(report, "light-word-in-action");
  ASSERT_EQ(found.size(), 3u) << report.to_text();
  EXPECT_EQ(found[0].where, "shot a1");
  EXPECT_NE(found[0].message.find("'bright'"), std::string::npos) << found[0].message;
  EXPECT_EQ(found[1].where, "shot a2");
  EXPECT_NE(found[1].message.find("'light'"), std::string::npos);
  EXPECT_NE(found[1].message.find("'low-key, warm practicals'"), std::string::npos) << found[1].message;
  EXPECT_NE(found[1].fix.find("lantern glow"), std::string::npos);
  EXPECT_EQ(found[2].where, "shot b1");
  EXPECT_NE(found[2].message.find("dark lighting"), std::string::npos) << found[2].message;
  EXPECT_EQ(report.exit_code(), 1);

  // Negated, a glow, or lighting that is neither dark nor bright: nothing to say.
  film.scenes[0].shots[1].action = "She hides in a doorway with no light, lantern glow on the stones";
  film.scenes[0].shots[0].action = "A girl runs across the rooftop";
  film.scenes[1].shots[0].look.get(film::LookField::Lighting) = "backlit silhouette";
  EXPECT_TRUE(with_code(lint_film(film, ws.dir.path()), "light-word-in-action").empty());
}

TEST(Lint, FormatsFindingsAndJson) {
  LintFinding f{Severity::Error, "unknown-reference", "uses unknown reference 'x'", "shot a1", "film.toml:3:1",
                "did you mean 'y'?"};
  EXPECT_EQ(format_finding(f), "error: film.toml:3:1 shot a1: uses unknown reference 'x' (did you mean 'y'?)");
  LintReport report;
  report.add(f);
  report.add({Severity::Warning, "negative-list-too-long", "too long", "negative", "", "shorten it"});
  EXPECT_EQ(report.to_text(),
            "error: film.toml:3:1 shot a1: uses unknown reference 'x' (did you mean 'y'?)\n"
            "warning: negative: too long (shorten it)\n");
  auto j = report.to_json();
  EXPECT_EQ(j["errors"], 1);
  EXPECT_EQ(j["warnings"], 1);
  EXPECT_EQ(j["exit_code"], 2);
  EXPECT_EQ(j["findings"][1]["code"], "negative-list-too-long");
  EXPECT_EQ(LintReport{}.exit_code(), 0);
  // Notes say what was not checked; they do not change the exit code.
  report.add_note("look words were not checked");
  EXPECT_NE(report.to_text().find("\nnote: look words were not checked\n"), std::string::npos);
  EXPECT_EQ(report.to_json()["notes"][0], "look words were not checked");
  EXPECT_EQ(report.exit_code(), 2);
  // A finding with a source and no `where` (a film.toml load problem).
  EXPECT_EQ(format_finding({Severity::Error, "unknown-key", "unknown key 'x'", "", "film.toml:2:1", ""}),
            "error: film.toml:2:1: unknown key 'x'");
}

}  // namespace
}  // namespace shotgen::prompt
