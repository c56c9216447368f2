#include "train/evaluation.h"

#include <gtest/gtest.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "engine/engine.h"
#include "train/tiny_config.h"

namespace shotgen::train {
namespace {

EvaluationOptions tiny_options() {
  EvaluationOptions options;
  options.steps = 1;
  options.clips_per_cell = 1;
  options.frames = 2;
  options.width = 32;
  options.height = 16;
  options.batch = 16;
  options.speed_frames = 4;
  return options;
}

TEST(Evaluation, RandomModelGivesAWellFormedReport) {
  engine::ModelConfig config = testing::tiny_model_config();
  config.window_frames = 4;
  engine::Engine engine = engine::Engine::create_random(config, 3);
  int last_done = 0, last_total = 0;
  EvaluationReport report = evaluate_engine(engine, tiny_options(), [&](const std::string&, int done, int total) {
    EXPECT_GT(done, last_done);
    last_done = done;
    last_total = total;
  });
  EXPECT_EQ(last_done, last_total);
  // adherence, negatives, reference, sharpness pairs, layout (two pairs of words, three clips a prompt)
  EXPECT_EQ(last_total, 7 + 2 * (3 + 3 + 3) + 2 * 3 + 2 + 2 * 3);

  ASSERT_EQ(report.adherence.size(), 5u);
  const std::vector<std::string> dimensions{"palette", "lighting", "camera", "style", "characters"};
  for (std::size_t i = 0; i < dimensions.size(); ++i) {
    const AdherenceRow& row = report.adherence[i];
    EXPECT_EQ(row.dimension, dimensions[i]);
    EXPECT_EQ(row.clips, 7);
    EXPECT_GE(row.matches, 0);
    EXPECT_LE(row.matches, row.clips);
    EXPECT_LE(row.world_matches, row.clips);
    // The per-value breakdown adds up to the row: every clip once, as a match or as what was drawn.
    int clips = 0, matches = 0;
    for (const ValueAdherence& v : row.values) {
      int misses = 0;
      for (const auto& [drawn, count] : v.drawn_instead) {
        EXPECT_NE(drawn, v.asked);
        misses += count;
      }
      EXPECT_EQ(v.matches + misses, v.clips) << row.dimension << " " << v.asked;
      clips += v.clips;
      matches += v.matches;
    }
    EXPECT_EQ(clips, row.clips);
    EXPECT_EQ(matches, row.matches);
  }
  // The suite cycles every camera move: seven clips, seven values.
  EXPECT_EQ(report.adherence[2].values.size(), 7u);
  // The world's own clips mostly measure as they were made (the analyzers' ceiling).
  int world_total = 0;
  for (const AdherenceRow& row : report.adherence) world_total += row.world_matches;
  EXPECT_GT(world_total, 5 * 7 / 2);

  ASSERT_EQ(report.negatives.size(), 4u);
  EXPECT_EQ(report.negatives[0].negative, "green tones");
  for (const NegativeRow& row : report.negatives) {
    EXPECT_EQ(row.clips, 3);
    EXPECT_GE(row.without, 0.0);
    EXPECT_GE(row.with, 0.0);
  }
  EXPECT_LE(report.negatives[0].without, 1.0);  // a share
  EXPECT_LE(report.negatives[1].with, 1.0);
  ASSERT_EQ(report.reference_bleed.size(), 4u);
  for (const BleedRow& row : report.reference_bleed) {
    EXPECT_GE(row.kept, -1.0);
    EXPECT_LE(row.kept, 1.0);
    EXPECT_GE(row.ignored, -1.0);
    EXPECT_LE(row.ignored, 1.0);
  }
  EXPECT_GE(report.generated_flicker, 0.0);
  EXPECT_GE(report.world_flicker, 0.0);
  // Sharpness pairs: the world's clips have edges; a random model's measure is finite.
  EXPECT_EQ(report.sharpness.pairs, 2);
  EXPECT_GT(report.sharpness.world_structure, 10.0);
  EXPECT_GE(report.sharpness.generated_structure, 0.0);
  EXPECT_GE(report.sharpness.generated_noise, 0.0);
  ASSERT_TRUE(report.seconds_per_shot.has_value());
  EXPECT_GT(*report.seconds_per_shot, 0.0);

  const nlohmann::json json = to_json(report);
  EXPECT_EQ(json["adherence"].size(), 5u);
  EXPECT_EQ(json["adherence"][2]["values"].size(), 7u);
  EXPECT_TRUE(json["adherence"][0]["values"][0].contains("drawn_instead"));
  EXPECT_EQ(json["negatives"][1]["negative"], "photorealistic, live action, 3D render");
  EXPECT_EQ(json["reference_bleed"]["rows"].size(), 4u);
  EXPECT_TRUE(json["temporal"].contains("generated_flicker"));
  EXPECT_EQ(json["sharpness"]["pairs"], 2);
  EXPECT_TRUE(json["sharpness"]["structure"].contains("ratio"));
  // A pixel-space model has no autoencoder to bound it: no ceiling figure, said so in the table.
  for (const AdherenceRow& row : report.adherence) EXPECT_FALSE(row.autoencoder_matches.has_value());
  EXPECT_TRUE(json["adherence"][0]["autoencoder_share"].is_null());
  // Caption use: every adherence dimension at t = 1 and 0.95, clips_per_cell × 6 world clips each.
  ASSERT_EQ(json["caption_use"].size(), 10u);
  EXPECT_EQ(json["caption_use"][0]["dimension"], "palette");
  EXPECT_EQ(json["caption_use"][0]["t"], 1.0);
  EXPECT_EQ(json["caption_use"][5]["t"], 0.95);
  EXPECT_EQ(json["caption_use"][0]["clips"], 6);
  EXPECT_TRUE(json["caption_use"][0].contains("gain"));
  EXPECT_TRUE(json["caption_use"][0].contains("mean_gain"));
  // Layout steering: the count words and the thirds, each prompt drawn three times.
  ASSERT_EQ(report.layout.size(), 2u);
  EXPECT_EQ(report.layout[0].words, "one figure / a crowd");
  EXPECT_EQ(report.layout[1].words, "rule of thirds left / right");
  for (const LayoutRow& row : report.layout) {
    EXPECT_EQ(row.clips, 1);
    for (double change : {row.words_swapped, row.seed_swapped, row.world_words_swapped, row.world_seed_swapped}) {
      EXPECT_GE(change, 0.0);
      EXPECT_LE(change, 255.0);
    }
    // A new seed draws another clip, of the model and of the world.
    EXPECT_GT(row.seed_swapped, 0.0);
    EXPECT_GT(row.world_seed_swapped, 0.0);
  }
  // The world draws what the words say: a crowd where one figure stood, the figure moved a third over.
  EXPECT_GT(report.layout[0].world_words_swapped, 0.5);
  EXPECT_GT(report.layout[1].world_words_swapped, 0.5);
  EXPECT_EQ(json["layout"].size(), 2u);
  EXPECT_TRUE(json["layout"][0].contains("steering"));
  const std::string table = format_report(report);
  for (const char* part : {"adherence", "palette", "adherence by value", "pan left", "negative effect", "reference bleed", "flicker", "sharpness",
                           "layout steering", "one figure / a crowd", "caption use", "speed", "through autoencoder", "(pixel model)"})
    EXPECT_NE(table.find(part), std::string::npos) << part;
}

TEST(Evaluation, LatentModelReportsWhatItsAutoencoderLeavesOfTheWorldClips) {
  engine::ModelConfig config = testing::tiny_latent_model_config();
  config.window_frames = 4;
  engine::Engine engine = engine::Engine::create_random(config, 4);
  EvaluationOptions options = tiny_options();
  options.measure_speed = false;
  const EvaluationReport report = evaluate_engine(engine, options);
  // A random autoencoder keeps little of a clip: every row has a ceiling, and together they fall
  // below the world's own clips.
  int world = 0, ceiling = 0;
  for (const AdherenceRow& row : report.adherence) {
    ASSERT_TRUE(row.autoencoder_matches.has_value()) << row.dimension;
    EXPECT_GE(*row.autoencoder_matches, 0);
    EXPECT_LE(*row.autoencoder_matches, row.clips);
    world += row.world_matches;
    ceiling += *row.autoencoder_matches;
  }
  EXPECT_LT(ceiling, world);
  // Per value, the ceilings add up to the row's.
  for (const AdherenceRow& row : report.adherence) {
    int values = 0;
    for (const ValueAdherence& v : row.values) {
      ASSERT_TRUE(v.autoencoder_matches.has_value()) << row.dimension << " " << v.asked;
      EXPECT_LE(*v.autoencoder_matches, v.clips);
      values += *v.autoencoder_matches;
    }
    EXPECT_EQ(values, *row.autoencoder_matches) << row.dimension;
  }
  const nlohmann::json json = to_json(report);
  EXPECT_DOUBLE_EQ(json["adherence"][3]["autoencoder_share"].get<double>(), *report.adherence[3].autoencoder_share());
  EXPECT_EQ(format_report(report).find("(pixel model)"), std::string::npos);
}

TEST(Evaluation, SameSeedSameReport) {
  engine::Engine engine = engine::Engine::create_random(testing::tiny_model_config(), 5);
  EvaluationOptions options = tiny_options();
  options.measure_speed = false;
  const nlohmann::json a = to_json(evaluate_engine(engine, options));
  const nlohmann::json b = to_json(evaluate_engine(engine, options));
  EXPECT_EQ(a["adherence"], b["adherence"]);
  EXPECT_EQ(a["negatives"], b["negatives"]);
  EXPECT_EQ(a["reference_bleed"], b["reference_bleed"]);
  EXPECT_EQ(a["layout"], b["layout"]);
}

TEST(Evaluation, LayoutSteeringIsTheWordsShareOfTheChangeANewSeedMakes) {
  LayoutRow row;
  row.words_swapped = 2.0;  // the words move the picture a little…
  row.seed_swapped = 8.0;   // …a new seed four times as much
  EXPECT_DOUBLE_EQ(row.steering(), 0.25);
  row.words_swapped = 0.0;  // the words change nothing
  EXPECT_DOUBLE_EQ(row.steering(), 0.0);
  row.seed_swapped = 0.0;   // nothing to compare with
  EXPECT_DOUBLE_EQ(row.steering(), 0.0);
  row.world_words_swapped = 6.0;
  row.world_seed_swapped = 2.0;
  EXPECT_DOUBLE_EQ(row.world_steering(), 3.0);
}

TEST(Evaluation, RejectsBadOptions) {
  EvaluationOptions options = tiny_options();
  options.width = 30;
  EXPECT_THROW(options.validate(), Error);
  options = tiny_options();
  options.frames = 1;
  EXPECT_THROW(options.validate(), Error);
  options = tiny_options();
  options.clips_per_cell = 0;
  EXPECT_THROW(options.validate(), Error);
  for (double deflicker : {-0.1, 1.5}) {
    options = tiny_options();
    options.finishing.deflicker = deflicker;
    EXPECT_THROW(options.validate(), Error) << deflicker;
  }
  for (double guide : {-0.1, 0.6}) {
    options = tiny_options();
    options.layout_guide = guide;
    EXPECT_THROW(options.validate(), Error) << guide;
  }
}

// The random model's reports of 4-frame suites before and after `change` to the options.
std::pair<EvaluationReport, EvaluationReport> reports_before_and_after(
    const std::function<void(EvaluationOptions&)>& change, bool measure_speed) {
  engine::Engine engine = engine::Engine::create_random(testing::tiny_model_config(), 5);
  EvaluationOptions options = tiny_options();
  options.measure_speed = measure_speed;
  options.frames = 4;
  EvaluationReport before = evaluate_engine(engine, options);
  change(options);
  return {std::move(before), evaluate_engine(engine, options)};
}

TEST(Evaluation, ALayoutGuideMeasuresTheClipsAGuidedFilmRenders) {
  // The same suite and seeds with every clip started from its prompt's guide (the speed shot too):
  // other clips, the world's unchanged, the setting in the report.
  const auto [plain, guided] = reports_before_and_after([](EvaluationOptions& o) { o.layout_guide = 0.3; }, true);
  EXPECT_NE(guided.generated_flicker, plain.generated_flicker);
  EXPECT_EQ(guided.world_flicker, plain.world_flicker);
  EXPECT_EQ(to_json(guided)["settings"]["layout_guide"], 0.3);
  EXPECT_NE(format_report(guided).find("layout guide 0.30"), std::string::npos);
}

TEST(Evaluation, DeflickerMeasuresTheClipsAFilmWouldShow) {
  // The same suite and seeds with every generated clip through the finishing deflicker: steadier
  // generated clips, the world's unchanged, the setting in the report.
  const auto [drawn, steadied] = reports_before_and_after([](EvaluationOptions& o) { o.finishing.deflicker = 1.0; }, false);
  EXPECT_LT(steadied.generated_flicker, drawn.generated_flicker);
  EXPECT_EQ(steadied.world_flicker, drawn.world_flicker);
  EXPECT_EQ(to_json(steadied)["settings"]["deflicker"], 1.0);
  EXPECT_NE(format_report(steadied).find("deflicker 1.00"), std::string::npos);
}

TEST(Evaluation, StyleTextureMeasuresTheStylesAFilmWouldShow) {
  // The same suite and seeds with the style texture drawn where a clip missed its prompt's style:
  // other clips (the random model draws no style on purpose), no fewer style matches, the world's
  // clips untouched, the setting in the report.
  const auto [drawn, textured] = reports_before_and_after([](EvaluationOptions& o) { o.finishing.style_texture = true; }, false);
  const AdherenceRow &drawn_style = drawn.adherence[3], &textured_style = textured.adherence[3];
  ASSERT_EQ(drawn_style.dimension, "style");
  EXPECT_NE(textured.generated_flicker, drawn.generated_flicker);
  EXPECT_GE(textured_style.matches, drawn_style.matches);
  EXPECT_EQ(textured_style.world_matches, drawn_style.world_matches);
  EXPECT_EQ(textured.world_flicker, drawn.world_flicker);
  EXPECT_EQ(to_json(textured)["settings"]["style_texture"], true);
  EXPECT_NE(format_report(textured).find("style texture"), std::string::npos);
  EXPECT_EQ(format_report(drawn).find("style texture"), std::string::npos);
}

TEST(Evaluation, PaletteMatchMeasuresThePalettesAFilmWouldShow) {
  // The same suite and seeds with clips that missed their prompt's palette recoloured into it: the
  // random model draws no palette on purpose, so more palettes match; the world's clips untouched.
  const auto [drawn, matched] = reports_before_and_after([](EvaluationOptions& o) { o.finishing.palette_match = true; }, false);
  const AdherenceRow &drawn_palette = drawn.adherence[0], &matched_palette = matched.adherence[0];
  ASSERT_EQ(drawn_palette.dimension, "palette");
  EXPECT_GT(matched_palette.matches, drawn_palette.matches);
  EXPECT_EQ(matched_palette.world_matches, drawn_palette.world_matches);
  EXPECT_EQ(matched.world_flicker, drawn.world_flicker);
  EXPECT_EQ(to_json(matched)["settings"]["palette_match"], true);
  EXPECT_NE(format_report(matched).find("palette match"), std::string::npos);
  EXPECT_EQ(format_report(drawn).find("palette match"), std::string::npos);
}

TEST(Evaluation, PaletteLockMeasuresThePalettesAFilmWouldShow) {
  const auto [drawn, locked] = reports_before_and_after([](EvaluationOptions& o) { o.finishing.palette_lock = 0.5; }, false);
  EXPECT_NE(locked.generated_flicker, drawn.generated_flicker);
  EXPECT_EQ(locked.world_flicker, drawn.world_flicker);
  EXPECT_EQ(to_json(locked)["settings"]["palette_lock"], 0.5);
  EXPECT_NE(format_report(locked).find("palette lock 0.50"), std::string::npos);
  EvaluationOptions bad;
  bad.finishing.palette_lock = 1.5;
  EXPECT_THROW(bad.validate(), Error);
}

TEST(Evaluation, SuiteWordsAreInTheTrainingVocabulary) {
  const std::vector<std::string> texts = evaluation_prompt_texts();
  EXPECT_EQ(texts.size(), 3u);
  const std::vector<std::string> words = training_vocabulary(texts);
  for (const char* word : {"duplicate", "render", "3d", "green", "tones"})
    EXPECT_TRUE(std::binary_search(words.begin(), words.end(), std::string(word))) << word;
}

}  // namespace
}  // namespace shotgen::train
