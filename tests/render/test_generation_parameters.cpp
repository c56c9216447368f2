#include "render/generation_parameters.h"

#include <gtest/gtest.h>

#include "render/backend.h"

namespace shotgen::render {
namespace {

db::TakeRecord sample_take() {
  RenderParams params;
  params.model = "default@0123456789ab";
  params.sampler = "euler";
  params.steps = 24;
  params.guidance = 5;
  params.shift = 1;
  params.width = 64;
  params.height = 32;
  params.frames = 24;
  db::TakeRecord take;
  take.shot_id = "rooftop_03";
  take.take_number = 2;
  take.positive = "Hand-painted 2D animation, a lamplighter on the roof";
  take.negative = "photorealistic, blurry";
  take.seed = 42;
  take.backend = "final";
  take.params_json = params.to_json();
  return take;
}

TEST(GenerationParameters, FollowsTheA1111InfotextLayout) {
  EXPECT_EQ(a1111_parameters(sample_take()),
            "Hand-painted 2D animation, a lamplighter on the roof\n"
            "Negative prompt: photorealistic, blurry\n"
            "Steps: 24, Sampler: Euler, CFG scale: 5, Seed: 42, Size: 64x32, Model hash: 0123456789ab, "
            "Model: default, Backend: final, Frames: 24, Shift: 1, Shot: rooftop_03, Take: 2");
}

TEST(GenerationParameters, ValuesThatWouldBreakTheLineAreQuotedAndScalesKeepTheirDigits) {
  auto take = sample_take();
  auto params = RenderParams::from_json(take.params_json);
  params.guidance = 7.5;
  params.negative_scale = 0.3;
  params.layout_guide = 0.25;
  take.params_json = params.to_json();
  take.shot_id = "a,b";
  const std::string text = a1111_parameters(take);
  EXPECT_NE(text.find("CFG scale: 7.5, "), std::string::npos) << text;
  EXPECT_NE(text.find("Negative scale: 0.3, "), std::string::npos) << text;
  EXPECT_NE(text.find("Layout guide: 0.25, "), std::string::npos) << text;
  EXPECT_NE(text.find("Shot: \"a,b\""), std::string::npos) << text;
}

}  // namespace
}  // namespace shotgen::render
