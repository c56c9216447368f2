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
  const std::vector<CaptionUseRow> rows = measure_caption_use(engine, options);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].dimension, "palette");
  EXPECT_EQ(rows[1].dimension, "lighting");
  for (const CaptionUseRow& row : rows) {
    EXPECT_EQ(row.clips, 2);
    EXPECT_TRUE(std::isfinite(row.loss_true) && row.loss_true > 0.0) << row.dimension;
    // A random model's output depends on the words, so the three captions give three losses.
    EXPECT_NE(row.loss_true, row.loss_swapped) << row.dimension;
  }
  const std::vector<CaptionUseRow> again = measure_caption_use(engine, options);
  EXPECT_EQ(again[2].loss_swapped, rows[2].loss_swapped);
}

}  // namespace
}  // namespace shotgen::train
