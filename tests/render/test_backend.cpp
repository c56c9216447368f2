#include "render/backend.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "render_fixture.h"
#include "support/test_support.h"

namespace shotgen::render {
namespace {

// The parameters backend `name` gives an 8-frame 32×16 job of the model in `model_dir`.
RenderParams job_params(const std::filesystem::path& model_dir, const char* name) {
  film::RenderSettings settings;
  settings.size = {32, 16};
  return BackendRegistry::shipped(model_dir, engine::DeviceChoice::Cpu).get(name).params(settings, 8);
}

// A random model saved in `dir` with `config`.
void save_random_model(const engine::ModelConfig& config, const std::filesystem::path& dir) {
  engine::Engine::create_random(config, 11).save(dir);
}

// A job records the schedule its model was trained for, so a take can be reproduced from its row.
TEST(EngineBackend, ParamsSampleOnTheModelsTrainedShift) {
  shotgen::testing::TempDir dir;
  engine::ModelConfig config = testing::tiny_model_config();
  config.sampling_shift = 2.5;
  save_random_model(config, dir.path());
  for (const char* name : {"final", "turbo"}) {
    EXPECT_DOUBLE_EQ(job_params(dir.path(), name).shift, 2.5) << name;
    EXPECT_DOUBLE_EQ(job_params(testing::tiny_model_dir(), name).shift, 1.0) << name;
  }
}

// A model trained on frame-correlated noise samples from it; its takes record the share, and the
// parameters of a model without it are written as before (their job ids stay the same).
TEST(EngineBackend, ParamsSampleOnTheModelsTrainedFrameNoiseCorrelation) {
  shotgen::testing::TempDir dir;
  engine::ModelConfig config = testing::tiny_model_config();
  config.frame_noise_correlation = 0.5;
  save_random_model(config, dir.path());
  const RenderParams correlated = job_params(dir.path(), "final");
  EXPECT_DOUBLE_EQ(correlated.frame_noise_correlation, 0.5);
  EXPECT_EQ(RenderParams::from_json(correlated.to_json()), correlated);
  const RenderParams plain = job_params(testing::tiny_model_dir(), "final");
  EXPECT_DOUBLE_EQ(plain.frame_noise_correlation, 0.0);
  EXPECT_EQ(plain.to_json().find("frame_noise_correlation"), std::string::npos);
  EXPECT_EQ(RenderParams::from_json(plain.to_json()), plain);
}

}  // namespace
}  // namespace shotgen::render
