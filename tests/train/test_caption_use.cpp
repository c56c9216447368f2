#include "train/caption_use.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/engine.h"
#include "train/tiny_config.h"

namespace shotgen::train {
namespace {

TEST(CaptionUse, TheProbeCaptionNamesTheValueAnotherOrNone) {
  world::ClipAttributes a;
  a.palette = world::Palette::Warm;
  a.lighting = world::Lighting::Night;
  const std::string own = probe_caption(a, "palette", CaptionMode::True, 0);
  EXPECT_EQ(world::palette_from_words(own), world::Palette::Warm) << own;
  EXPECT_EQ(world::lighting_from_words(own), world::Lighting::Night) << own;
  for (int swap = 0; swap < 10; ++swap) {
    const std::string swapped = probe_caption(a, "palette", CaptionMode::Swapped, swap);
    ASSERT_TRUE(world::palette_from_words(swapped).has_value()) << swapped;
    EXPECT_NE(world::palette_from_words(swapped), world::Palette::Warm) << swapped;
    EXPECT_EQ(world::lighting_from_words(swapped), world::Lighting::Night) << swapped;  // only the dimension changes
  }
  const std::string absent = probe_caption(a, "palette", CaptionMode::Absent, 0);
  EXPECT_FALSE(world::palette_from_words(absent).has_value()) << absent;
  EXPECT_EQ(world::lighting_from_words(absent), world::Lighting::Night) << absent;
}

TEST(CaptionUse, MeasuresEveryDimensionDeterministically) {
  engine::Engine engine = engine::Engine::create_random(testing::tiny_model_config(), 3);
  CaptionUseOptions options;
  options.clips = 2;
  options.frames = 2;
  options.width = 32;
  options.height = 16;
  options.noise_levels = {1.0, 0.5};
  const std::vector<CaptionUseRow> rows = measure_caption_use(engine, options);
  ASSERT_EQ(rows.size(), 10u);  // level-major: five dimensions at t = 1, then five at t = 0.5
  EXPECT_EQ(rows[0].dimension, "palette");
  EXPECT_EQ(rows[1].dimension, "lighting");
  EXPECT_EQ(rows[5].dimension, "palette");
  EXPECT_EQ(rows[0].t, 1.0);
  EXPECT_EQ(rows[5].t, 0.5);
  for (const CaptionUseRow& row : rows) {
    EXPECT_EQ(row.clips, 2);
    EXPECT_TRUE(std::isfinite(row.loss_true) && row.loss_true > 0.0) << row.dimension;
    // The clip mean's error is part of the whole error (the mean of squares ≥ the square of the mean).
    EXPECT_GT(row.mean_true, 0.0) << row.dimension;
    EXPECT_LE(row.mean_true, row.loss_true) << row.dimension;
    // A random model's output depends on the words, so the three captions give three losses.
    EXPECT_NE(row.loss_true, row.loss_swapped) << row.dimension;
    EXPECT_NE(row.mean_true, row.mean_swapped) << row.dimension;
  }
  // Same clips and noise at every level: a different t gives a different loss.
  EXPECT_NE(rows[0].loss_true, rows[5].loss_true);
  const std::vector<CaptionUseRow> again = measure_caption_use(engine, options);
  EXPECT_EQ(again[2].loss_swapped, rows[2].loss_swapped);
  EXPECT_EQ(again[7].mean_absent, rows[7].mean_absent);
}

}  // namespace
}  // namespace shotgen::train
