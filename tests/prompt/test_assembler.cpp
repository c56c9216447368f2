#include "prompt/assembler.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/hash.h"
#include "prompt/film_fixture.h"
#include "prompt/weighting.h"

namespace shotgen::prompt {
namespace {

using testing::kStyle;
using testing::make_film;

BackendCaps unlimited() { return BackendCaps{.name = "test", .max_prompt_words = 0}; }
BackendCaps limited(int words) { return BackendCaps{.name = "small", .max_prompt_words = words}; }

const char* kBlockNegative =
    "live action, photorealistic, 3D render, extra fingers, deformed hands, merged faces, duplicate characters, "
    "blurry, low detail, watermark";

std::vector<std::string> section_names(const AssembledPrompt& p, SectionKind kind) {
  std::vector<std::string> names;
  for (const auto& s : p.sections())
    if (s.kind == kind) names.push_back(s.name);
  return names;
}

TEST(Assembler, ComposesPositiveInDocumentedOrder) {
  auto film = make_film();
  auto p = assemble_prompt(film, *film.find_shot("a1"), unlimited());
  EXPECT_EQ(p.positive(), std::string(kStyle) +
                              ". A girl runs across the rooftop. static, 35mm, night, moonlit, cool blues, melancholic, "
                              "in the style of a 1970s western, palette from reference board");
  EXPECT_EQ(section_names(p, SectionKind::Positive),
            (std::vector<std::string>{"style", "action", "camera_move", "lens", "lighting", "palette", "mood",
                                      "attribution", "reference:board"}));
  EXPECT_EQ(p.style_text(), kStyle);
  EXPECT_TRUE(p.cut_sections().empty());
}

TEST(Assembler, StyleBlockFirstAndNegativeBlockOnEveryShot) {
  auto film = make_film();
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots) {
      auto p = assemble_prompt(film, shot, unlimited());
      EXPECT_TRUE(p.positive().starts_with(kStyle)) << shot.id;
      EXPECT_TRUE(p.negative().starts_with(kBlockNegative)) << shot.id;
      EXPECT_EQ(p.sections().front().name, "style") << shot.id;
    }
}

TEST(Assembler, MergesFilmSceneShotLookWithShotWinning) {
  auto film = make_film();
  auto a1 = assemble_prompt(film, *film.find_shot("a1"), unlimited());
  auto a2 = assemble_prompt(film, *film.find_shot("a2"), unlimited());
  auto b1 = assemble_prompt(film, *film.find_shot("b1"), unlimited());
  auto text_of = [](const AssembledPrompt& p, std::string_view name) {
    for (const auto& s : p.sections())
      if (s.name == name) return s.text;
    return std::string("<none>");
  };
  EXPECT_EQ(text_of(a1, "lighting"), "night, moonlit");            // shot
  EXPECT_EQ(text_of(a2, "lighting"), "low-key, warm practicals");  // film
  EXPECT_EQ(text_of(a2, "palette"), "cool blues");                 // scene
  EXPECT_EQ(text_of(b1, "palette"), "teal and orange");            // film
  EXPECT_EQ(merged_look(film, *film.find_shot("a1")).get(film::LookField::Palette), "cool blues");
}

TEST(Assembler, NegativeDeduplicatesCaseAndWhitespaceInsensitivelyKeepingFirst) {
  auto film = make_film();
  auto p = assemble_prompt(film, *film.find_shot("a1"), unlimited());
  // Scene "Blurry " repeats the block's "blurry"; shot "  RAIN" repeats the scene's "rain".
  EXPECT_EQ(p.negative(), std::string(kBlockNegative) +
                              ", rain, crowd, lighting of reference board, background of reference board");
  EXPECT_EQ(p.negative_terms().size(), 14u);
  EXPECT_EQ(section_names(p, SectionKind::Negative),
            (std::vector<std::string>{"negative:format", "negative:anatomy", "negative:quality", "negative:scene",
                                      "negative:shot", "negative:reference:board"}));
}

TEST(Assembler, ReferenceClausesNameDimensionsAndDescription) {
  auto film = make_film();
  film.references[0].use = {"palette", "lighting", "lens_flare"};
  film.references[0].ignore = {"color_cast"};
  film.references[0].description = "the lighthouse keeper";
  auto p = assemble_prompt(film, *film.find_shot("a1"), unlimited());
  EXPECT_TRUE(p.positive().ends_with("palette, lighting and lens flare from reference board, the lighthouse keeper"))
      << p.positive();
  EXPECT_TRUE(p.negative().ends_with("color cast of reference board")) << p.negative();
}

TEST(Assembler, WeightingSyntaxIsKeptAndNotCountedAsWords) {
  auto film = make_film();
  film.scenes[1].shots[0].action = "(glowing lanterns:1.4) drift [slowly]";
  auto p = assemble_prompt(film, film.scenes[1].shots[0], unlimited());
  EXPECT_NE(p.positive().find("(glowing lanterns:1.4) drift [slowly]."), std::string::npos);
  EXPECT_EQ(p.positive_words(), count_prompt_words(strip_weighting(p.positive())));
  EXPECT_EQ(count_prompt_words("glowing lanterns drift slowly"), 4);
}

TEST(Assembler, CutsLowPrioritySectionsFirstAndReportsThem) {
  auto film = make_film();
  const auto& shot = *film.find_shot("a1");
  int style_words = count_prompt_words(kStyle);
  // Room for the style block, the action (6 words) and 3 more words.
  auto p = assemble_prompt(film, shot, limited(style_words + 6 + 3));
  EXPECT_LE(p.positive_words(), style_words + 9);
  EXPECT_TRUE(p.positive().starts_with(kStyle));
  EXPECT_EQ(p.cut_sections(), (std::vector<std::string>{"attribution", "mood", "reference:board", "lens",
                                                         "camera_move", "lighting"}));
  // Cut sections stay listed, flagged, with the text they would have added.
  for (const auto& s : p.sections())
    if (s.name == "mood") {
      EXPECT_TRUE(s.cut);
      EXPECT_EQ(s.text, "melancholic");
    }
  EXPECT_EQ(p.positive(), std::string(kStyle) + ". A girl runs across the rooftop. cool blues");
}

TEST(Assembler, CutsActionLast) {
  auto film = make_film();
  auto p = assemble_prompt(film, *film.find_shot("a2"), limited(count_prompt_words(kStyle)));
  EXPECT_EQ(p.cut_sections().back(), "action");
  EXPECT_EQ(p.positive(), std::string(kStyle) + ".");
}

TEST(Assembler, NeverCutsTheStyleBlockSilently) {
  auto film = make_film();
  try {
    assemble_prompt(film, *film.find_shot("a2"), limited(10));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().where, "shot a2");
    EXPECT_NE(e.problem().what.find("style block"), std::string::npos);
    EXPECT_NE(e.problem().what.find("10 words"), std::string::npos);
    EXPECT_NE(e.problem().fix.find("backend with a longer prompt limit"), std::string::npos);
  }
}

TEST(Assembler, NeverCutsTheNegativeBlockSilently) {
  auto film = make_film();
  film.style.text = "flat 2D animation";
  try {
    assemble_prompt(film, *film.find_shot("b1"), limited(12));  // the block is 17 words
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().where, "shot b1");
    EXPECT_NE(e.problem().what.find("negative block"), std::string::npos);
  }
}

TEST(Assembler, BlocksExceedingALimitAreFoundWithoutAShot) {
  auto film = make_film();
  EXPECT_FALSE(blocks_exceeding_limit(film, limited(100), "backend x").has_value());
  EXPECT_FALSE(blocks_exceeding_limit(film, limited(0), "backend x").has_value());  // no limit
  auto style = blocks_exceeding_limit(film, limited(10), "backend x");
  ASSERT_TRUE(style.has_value());
  EXPECT_EQ(style->code, "prompt-block-too-long");
  EXPECT_EQ(style->where, "backend x");
  EXPECT_NE(style->what.find("style block"), std::string::npos);
  film.style.text = "flat 2D animation";
  auto negative = blocks_exceeding_limit(film, limited(12), "backend x");
  ASSERT_TRUE(negative.has_value());
  EXPECT_NE(negative->what.find("negative block (17 words)"), std::string::npos) << negative->what;
}

TEST(Assembler, MissingStyleBlockNamesTheKeyToAdd) {
  auto film = make_film();
  film.style.text = "";
  try {
    assemble_prompt(film, *film.find_shot("a2"), limited(0));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.problem().fix.find("[style] block = "), std::string::npos) << e.problem().fix;
  }
}

TEST(Assembler, CutsExtraNegativesReferenceFirstAndKeepsTheBlock) {
  auto film = make_film();
  film.style.text = "flat 2D animation";
  film.scenes[0].negative.push_back("wet streets");
  int block_words = count_prompt_words(kBlockNegative);
  auto negative_cuts = [](const AssembledPrompt& a) {
    std::vector<std::string> cuts;
    for (const auto& name : a.cut_sections())
      if (name.starts_with("negative:")) cuts.push_back(name);
    return cuts;
  };
  // The block plus "rain, wet streets, crowd" (4 words) fit; the reference ignores (8 words) do not.
  auto p = assemble_prompt(film, *film.find_shot("a1"), limited(block_words + 4));
  EXPECT_EQ(p.negative(), std::string(kBlockNegative) + ", rain, wet streets, crowd");
  EXPECT_EQ(negative_cuts(p), (std::vector<std::string>{"negative:reference:board"}));
  // Next the scene's negatives go; that frees "rain" for the shot's own "RAIN", written its way.
  auto q = assemble_prompt(film, *film.find_shot("a1"), limited(block_words + 2));
  EXPECT_EQ(q.negative(), std::string(kBlockNegative) + ", RAIN, crowd");
  EXPECT_EQ(negative_cuts(q), (std::vector<std::string>{"negative:reference:board", "negative:scene"}));
  auto r = assemble_prompt(film, *film.find_shot("a1"), limited(block_words));
  EXPECT_EQ(r.negative(), kBlockNegative);
  EXPECT_EQ(r.negative_terms().size(), 10u);
}

TEST(Assembler, RefusesAFilmWithoutStyleOrNegativeBlock) {
  auto film = make_film();
  film.style.text = "  \n";
  EXPECT_THROW(assemble_prompt(film, *film.find_shot("a1"), unlimited()), Error);
  film = make_film();
  film.negative = {};
  film.negative.extra = {" "};
  EXPECT_THROW(assemble_prompt(film, *film.find_shot("a1"), unlimited()), Error);
}

TEST(Assembler, UnknownReferenceIsAnErrorWithSuggestion) {
  auto film = make_film();
  film.scenes[0].shots[0].references = {"bord"};
  try {
    assemble_prompt(film, film.scenes[0].shots[0], unlimited());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.problem().what.find("bord"), std::string::npos);
    EXPECT_EQ(e.problem().fix, "did you mean 'board'?");
  }
}

TEST(Assembler, GenerationHashIsStableAndSensitive) {
  auto film = make_film();
  auto p = assemble_prompt(film, *film.find_shot("a1"), unlimited());
  auto base = generation_hash(p, "final", R"({"steps":24,"guidance":5.0})", 7);
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(base, generation_hash(p, "final", R"({ "guidance": 5.0, "steps": 24 })", 7));  // canonical params
  EXPECT_NE(base, generation_hash(p, "turbo", R"({"steps":24,"guidance":5.0})", 7));
  EXPECT_NE(base, generation_hash(p, "final", R"({"steps":25,"guidance":5.0})", 7));
  EXPECT_NE(base, generation_hash(p, "final", R"({"steps":24,"guidance":5.0})", 8));
  auto changed_film = film;
  changed_film.negative.quality.push_back("text");
  auto q = assemble_prompt(changed_film, *changed_film.find_shot("a1"), unlimited());
  EXPECT_NE(base, generation_hash(q, "final", R"({"steps":24,"guidance":5.0})", 7));
  changed_film = film;
  changed_film.style.text += " with bold outlines";
  auto r = assemble_prompt(changed_film, *changed_film.find_shot("a1"), unlimited());
  EXPECT_NE(base, generation_hash(r, "final", R"({"steps":24,"guidance":5.0})", 7));
  EXPECT_THROW(generation_hash(p, "final", "{steps:", 7), Error);
}

TEST(Assembler, GenerationHashMatchesItsDocumentedSerialization) {
  auto film = make_film();
  auto p = assemble_prompt(film, *film.find_shot("b1"), unlimited());
  nlohmann::json canonical = {{"backend", "final"},  {"negative", p.negative()}, {"params", {{"steps", 24}}},
                              {"positive", p.positive()}, {"seed", 1},               {"v", 1}};
  EXPECT_EQ(generation_hash(p, "final", R"({"steps":24})", 1), sha256_hex(canonical.dump()));
}

TEST(Assembler, JsonCarriesPromptsAndSections) {
  auto film = make_film();
  auto j = to_json(assemble_prompt(film, *film.find_shot("a1"), limited(count_prompt_words(kStyle) + 8)));
  EXPECT_EQ(j["shot"], "a1");
  EXPECT_EQ(j["backend"], "small");
  EXPECT_TRUE(j["positive"].get<std::string>().starts_with(kStyle));
  EXPECT_TRUE(j["negative"].get<std::string>().starts_with(kBlockNegative));
  ASSERT_TRUE(j["sections"].is_array());
  EXPECT_EQ(j["sections"][0]["name"], "style");
  EXPECT_EQ(j["sections"][0]["kind"], "positive");
  EXPECT_EQ(j["sections"][0]["cut"], false);
  EXPECT_FALSE(j["cut_sections"].empty());
}

}  // namespace
}  // namespace shotgen::prompt
