#include "render/backend.h"

#include <gtest/gtest.h>

#include "render_fixture.h"
#include "support/test_support.h"

namespace shotgen::render {
namespace {

// A job records the schedule its model was trained for, so a take can be reproduced from its row.
TEST(EngineBackend, ParamsSampleOnTheModelsTrainedShift) {
  shotgen::testing::TempDir dir;
  engine::ModelConfig config = testing::tiny_model_config();
  config.sampling_shift = 2.5;
  engine::Engine::create_random(config, 11).save(dir.path());
  film::RenderSettings settings;
  settings.size = {32, 16};
  for (const char* name : {"final", "turbo"}) {
    EXPECT_DOUBLE_EQ(BackendRegistry::shipped(dir.path(), engine::DeviceChoice::Cpu).get(name).params(settings, 8).shift, 2.5)
        << name;
    EXPECT_DOUBLE_EQ(
        BackendRegistry::shipped(testing::tiny_model_dir(), engine::DeviceChoice::Cpu).get(name).params(settings, 8).shift,
        1.0)
        << name;
  }
}

}  // namespace
}  // namespace shotgen::render
