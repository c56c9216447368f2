#include "render/backend.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "render_fixture.h"
#include "support/test_support.h"
#include "world/layout_guide.h"
#include "world/world.h"

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

// A model trained on frame-correlated noise that follows the camera, saved in `dir`.
engine::ModelConfig save_moving_noise_model(const std::filesystem::path& dir) {
  engine::ModelConfig config = testing::tiny_model_config();
  config.frame_noise_correlation = 0.5;
  config.noise_follows_camera = true;
  save_random_model(config, dir);
  return config;
}

// A model trained on frame-correlated noise that follows the camera samples so; its takes record
// both, and the parameters of a model without them are written as before (their job ids stay).
TEST(EngineBackend, ParamsSampleOnTheModelsTrainedNoise) {
  shotgen::testing::TempDir dir;
  save_moving_noise_model(dir.path());
  const RenderParams trained = job_params(dir.path(), "final");
  EXPECT_DOUBLE_EQ(trained.frame_noise_correlation, 0.5);
  EXPECT_TRUE(trained.noise_follows_camera);
  EXPECT_EQ(RenderParams::from_json(trained.to_json()), trained);
  const RenderParams plain = job_params(testing::tiny_model_dir(), "final");
  EXPECT_DOUBLE_EQ(plain.frame_noise_correlation, 0.0);
  EXPECT_FALSE(plain.noise_follows_camera);
  EXPECT_EQ(plain.to_json().find("frame_noise_correlation"), std::string::npos);
  EXPECT_EQ(plain.to_json().find("noise_follows_camera"), std::string::npos);
  EXPECT_EQ(RenderParams::from_json(plain.to_json()), plain);
}

// A render moves the noise as the camera move its prompt names, with the world's speed for the
// model's window: the same as asking the engine for that motion by hand.
TEST(EngineBackend, RendersMoveTheNoiseAsThePromptsCameraMoveAsks) {
  shotgen::testing::TempDir dir;
  const engine::ModelConfig config = save_moving_noise_model(dir.path());
  BackendRegistry registry = BackendRegistry::shipped(dir.path(), engine::DeviceChoice::Cpu);
  JobSpec job;
  job.positive = "a figure on a wall, pan left";
  job.seed = 3;
  job.params = job_params(dir.path(), "final");
  job.params.steps = 2;
  job.params.frames = 4;
  const Clip rendered = registry.get("final").render({job}, {}, nullptr).at(0);

  engine::Engine engine = engine::Engine::load(dir.path(), engine::DeviceChoice::Cpu);
  engine::GenerationRequest request;
  request.positive = job.positive;
  request.seed = job.seed;
  request.frames = 4;
  request.width = job.params.width;
  request.height = job.params.height;
  request.camera_motion = world::content_motion(world::CameraMove::PanLeft, config.window_frames, request.height);
  engine::SamplerSettings settings;
  settings.steps = 2;
  settings.shift = job.params.shift;
  settings.guidance = job.params.guidance;
  settings.frame_noise_correlation = 0.5;
  settings.noise_follows_camera = true;
  EXPECT_EQ(engine.generate({request}, settings).at(0), rendered);
  settings.noise_follows_camera = false;
  EXPECT_NE(engine.generate({request}, settings).at(0), rendered);
}

// With [render] layout_guide both backends record the share and start each job from its prompt's
// guide: the same clip as asking the engine with that guide by hand; without it the parameters are
// written as before.
TEST(EngineBackend, RendersStartFromThePromptsLayoutGuideWhenTheFilmAsks) {
  film::RenderSettings settings;
  settings.size = {32, 16};
  settings.layout_guide = 0.2;
  BackendRegistry registry = BackendRegistry::shipped(testing::tiny_model_dir(), engine::DeviceChoice::Cpu);
  for (const char* name : {"final", "turbo"}) {
    const RenderParams params = registry.get(name).params(settings, 4);
    EXPECT_DOUBLE_EQ(params.layout_guide, 0.2) << name;
    EXPECT_EQ(RenderParams::from_json(params.to_json()), params);
  }
  EXPECT_EQ(job_params(testing::tiny_model_dir(), "final").to_json().find("layout_guide"), std::string::npos);

  JobSpec job;
  job.positive = "a lone figure stands, subject on the left third";
  job.seed = 3;
  job.params = registry.get("final").params(settings, 4);
  job.params.steps = 2;
  const Clip rendered = registry.get("final").render({job}, {}, nullptr).at(0);

  engine::Engine engine = engine::Engine::load(testing::tiny_model_dir(), engine::DeviceChoice::Cpu);
  engine::GenerationRequest request;
  request.positive = job.positive;
  request.seed = job.seed;
  request.frames = 4;
  request.width = 32;
  request.height = 16;
  request.guide_frames = world::draw_layout_guide(job.positive, job.seed, 4, 32, 16).frames;
  engine::SamplerSettings sampler;
  sampler.steps = 2;
  sampler.shift = job.params.shift;
  sampler.guidance = job.params.guidance;
  sampler.guide_share = 0.2;
  EXPECT_EQ(engine.generate({request}, sampler).at(0), rendered);
  request.guide_frames = world::draw_layout_guide("a crowd gathers", job.seed, 4, 32, 16).frames;
  EXPECT_NE(engine.generate({request}, sampler).at(0), rendered);
}

}  // namespace
}  // namespace shotgen::render
