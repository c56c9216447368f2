#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include "core/error.h"
#include "engine/engine.h"
#include "engine/runtime/engine_impl.h"
#include "support/test_support.h"
#include "tiny_model.h"

using namespace shotgen;
using namespace shotgen::engine;

namespace {

GenerationRequest small_request(std::string positive, std::uint64_t seed, int frames = 3) {
  GenerationRequest request;
  request.positive = std::move(positive);
  request.negative = "red figure";
  request.seed = seed;
  request.frames = frames;
  request.width = 32;
  request.height = 16;
  return request;
}

SamplerSettings few_steps() {
  SamplerSettings settings;
  settings.steps = 3;
  settings.guidance = 4.0;
  return settings;
}

Image gradient_image(int w, int h) {
  Image image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      image.pixel(x, y)[0] = static_cast<std::uint8_t>(x * 7);
      image.pixel(x, y)[1] = static_cast<std::uint8_t>(y * 13);
      image.pixel(x, y)[2] = static_cast<std::uint8_t>(255 - x * 3);
    }
  return image;
}

}  // namespace

TEST(Engine, GeneratesClipsEndToEndOnTheCpu) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 1);
  const std::vector<Clip> clips = engine.generate({small_request("green sky", 5)}, few_steps());
  ASSERT_EQ(clips.size(), 1u);
  ASSERT_EQ(clips[0].frame_count(), 3);
  EXPECT_EQ(clips[0].width(), 32);
  EXPECT_EQ(clips[0].height(), 16);
  EXPECT_NE(clips[0].frames[0], clips[0].frames[1]);
  const ModelInfo info = engine.info();
  EXPECT_EQ(info.device, "cpu");
  EXPECT_EQ(info.vocabulary_size, 2 + 5 + 8);
  EXPECT_EQ(info.window_frames, 4);
  EXPECT_GT(info.parameter_count, 1000);
}

TEST(Engine, BitIdenticalForTheSameSeedAloneOrInABatch) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 2);
  const GenerationRequest request = small_request("green (sky:1.3)", 42);
  const Clip first = engine.generate({request}, few_steps())[0];
  const Clip again = engine.generate({request}, few_steps())[0];
  EXPECT_EQ(first, again);

  GenerationRequest other = small_request("painted figure", 7);
  other.references.push_back({gradient_image(20, 20), {"texture"}});
  const std::vector<Clip> batch = engine.generate({other, request, other}, few_steps());
  EXPECT_EQ(batch[1], first);
  EXPECT_NE(batch[0], first);

  const Clip different_seed = engine.generate({small_request("green (sky:1.3)", 43)}, few_steps())[0];
  EXPECT_NE(different_seed, first);
}

// Mean |Δ| of the bytes of consecutive frames.
double frame_to_frame_difference(const Clip& clip) {
  double sum = 0;
  std::size_t count = 0;
  for (std::size_t f = 1; f < clip.frames.size(); ++f)
    for (std::size_t i = 0; i < clip.frames[f].rgb.size(); ++i, ++count)
      sum += std::abs(int(clip.frames[f].rgb[i]) - int(clip.frames[f - 1].rgb[i]));
  return sum / static_cast<double>(count);
}

TEST(Engine, FrameNoiseCorrelationSharesTheStartingNoiseAcrossFrames) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 5);
  const GenerationRequest request = small_request("sky", 21, 4);
  SamplerSettings settings = few_steps();
  const Clip independent = engine.generate({request}, settings)[0];
  settings.frame_noise_correlation = 0.0;  // explicit 0: the noise of before, bit for bit
  EXPECT_EQ(engine.generate({request}, settings)[0], independent);
  settings.frame_noise_correlation = 0.9;
  const Clip correlated = engine.generate({request}, settings)[0];
  EXPECT_NE(correlated, independent);
  EXPECT_LT(frame_to_frame_difference(correlated), 0.7 * frame_to_frame_difference(independent));
  settings.frame_noise_correlation = 1.0;  // no frame noise of its own left: refused
  EXPECT_THROW(engine.generate({request}, settings), shotgen::Error);
}

TEST(Engine, NoiseFollowsTheRequestsCameraMotionOnlyWhenAskedTo) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 5);
  GenerationRequest still = small_request("sky", 21, 4);
  SamplerSettings settings = few_steps();
  settings.frame_noise_correlation = 0.5;
  const Clip before = engine.generate({still}, settings)[0];
  settings.noise_follows_camera = true;
  EXPECT_EQ(engine.generate({still}, settings)[0], before);  // a static camera: the noise of before
  GenerationRequest pan = still;
  pan.camera_motion = CameraMotion{2, 0, 1};
  const Clip panned = engine.generate({pan}, settings)[0];
  EXPECT_NE(panned, before);
  EXPECT_EQ(panned.frames[0], engine.generate({pan, still}, settings)[0].frames[0]);  // per request
  settings.noise_follows_camera = false;
  EXPECT_EQ(engine.generate({pan}, settings)[0], before);  // the motion is ignored unless asked to follow
  settings.noise_follows_camera = true;
  pan.camera_motion = CameraMotion{0, 0, 3.0};
  try {
    engine.generate({pan}, settings);
    FAIL() << "a zoom of 3 per frame was accepted";
  } catch (const shotgen::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::OutOfRange);
    EXPECT_NE(std::string(e.what()).find("camera motion"), std::string::npos) << e.what();
  }
}

TEST(Engine, NoiseInSubCellsIsTheModelsAndOnlyForNoiseThatMoves) {
  ModelConfig whole_cells = test_models::tiny_config();
  whole_cells.frame_noise_correlation = 0.5;
  whole_cells.noise_follows_camera = true;
  ModelConfig sub_cells = whole_cells;
  sub_cells.camera_noise_subcells = 4;
  Engine coarse = Engine::create_random(whole_cells, 5), fine = Engine::create_random(sub_cells, 5);
  GenerationRequest push = small_request("sky", 21, 4);
  push.camera_motion = CameraMotion{0, 0, 1.05};
  SamplerSettings settings = few_steps();
  settings.frame_noise_correlation = 0.5;
  settings.noise_follows_camera = true;
  const Clip drawn = fine.generate({push}, settings)[0];
  EXPECT_EQ(fine.generate({push}, settings)[0], drawn);  // deterministic
  EXPECT_NE(drawn, coarse.generate({push}, settings)[0]);  // the same weights, finer noise
  settings.noise_follows_camera = false;  // still noise: the model's sub-cells do not apply
  EXPECT_EQ(fine.generate({push}, settings)[0], coarse.generate({push}, settings)[0]);
}

TEST(Engine, NegativePromptAndThreeBranchGuidanceChangeTheResult) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 3);
  GenerationRequest request = small_request("green sky", 9);
  const Clip base = engine.generate({request}, few_steps())[0];
  request.negative = "";
  EXPECT_NE(engine.generate({request}, few_steps())[0], base);
  SamplerSettings three = few_steps();
  three.negative_scale = 1.5;
  request.negative = "red figure";
  EXPECT_NE(engine.generate({request}, three)[0], base);
}

TEST(Engine, LongShotsAreGeneratedInOverlappingWindows) {
  EXPECT_EQ(plan_windows(10, 4, 1).size(), 3u);  // [0,4) [3,7) [6,10)
  const auto windows = plan_windows(10, 4, 1);
  EXPECT_EQ(windows[1].start, 3);
  EXPECT_EQ(windows[2].start, 6);
  EXPECT_EQ(windows[2].length, 4);
  EXPECT_EQ(plan_windows(3, 4, 1).size(), 1u);
  EXPECT_EQ(plan_windows(5, 4, 2).back().start, 1);  // a whole last window, 3 frames given
  const auto sixteen = plan_windows(16, 8, 2);     // [0,8) [6,14) [8,16)
  ASSERT_EQ(sixteen.size(), 3u);
  EXPECT_EQ(sixteen[2].start, 8);
  EXPECT_EQ(sixteen[2].length, 8);

  Engine engine = Engine::create_random(test_models::tiny_config(), 4);
  std::vector<std::pair<int, int>> seen;  // (window, windows) per step
  const Clip clip = engine.generate({small_request("sky", 1, 10)}, few_steps(),
                                    [&](int step, int total, int window, int windows) {
                                      EXPECT_EQ(total, 3);
                                      seen.emplace_back(window, windows);
                                    })[0];
  EXPECT_EQ(clip.frame_count(), 10);
  ASSERT_EQ(seen.size(), 9u);
  EXPECT_EQ(seen.back(), (std::pair<int, int>{3, 3}));
}

TEST(Engine, ConditioningFramesComeOutExactlyAsGiven) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 5);
  GenerationRequest request = small_request("green sky", 3, 9);
  const Image first = gradient_image(32, 16);
  Image late = gradient_image(32, 16);
  std::reverse(late.rgb.begin(), late.rgb.end());
  request.conditioning_frames = {first, late};
  request.conditioning_indices = {0, 7};  // frame 7 lies in the last window of the long shot
  SamplerSettings settings = few_steps();
  settings.method = SamplerSettings::Method::Heun;
  const Clip clip = engine.generate({request}, settings)[0];
  EXPECT_EQ(clip.frames[0], first);
  EXPECT_EQ(clip.frames[7], late);
  EXPECT_NE(clip.frames[1], first);
}

TEST(Engine, ALayoutGuideStartsTheClipAndIsChecked) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 5);
  SamplerSettings settings = few_steps();
  settings.guide_share = 0.5;
  const int frames = 6;  // two windows: each starts from its frames of the guide
  GenerationRequest bright = small_request("green sky", 3, frames), dark = bright;
  bright.guide_frames.assign(frames, gradient_image(32, 16));
  Image black(32, 16);
  dark.guide_frames.assign(frames, black);
  const Clip from_bright = engine.generate({bright}, settings)[0];
  EXPECT_EQ(engine.generate({bright}, settings)[0], from_bright);  // deterministic
  const Clip from_dark = engine.generate({dark}, settings)[0];
  EXPECT_NE(from_dark.frames[0], from_bright.frames[0]);
  EXPECT_NE(from_dark.frames[5], from_bright.frames[5]);
  // The same request in a batch with another gives the same bits.
  EXPECT_EQ(engine.generate({dark, bright}, settings)[1], from_bright);

  auto expect_error = [&](const GenerationRequest& request, const SamplerSettings& with, const std::string& fragment) {
    try {
      engine.generate({request}, with);
      FAIL() << "expected " << fragment;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  GenerationRequest short_guide = bright;
  short_guide.guide_frames.pop_back();
  expect_error(short_guide, settings, "5 guide frames for a clip of 6 frames");
  GenerationRequest small_guide = bright;
  small_guide.guide_frames[2] = gradient_image(16, 16);
  expect_error(small_guide, settings, "draw the guide at the clip's size");
  expect_error(bright, few_steps(), "guide frames without a guide share");
  SamplerSettings too_much = settings;
  too_much.guide_share = 0.6;
  expect_error(bright, too_much, "guide share must be a number in [0, 0.5]");
}

TEST(Engine, CancellationThrowsCancelled) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 6);
  CancelToken token;
  int steps = 0;
  EXPECT_THROW(engine.generate({small_request("sky", 1)}, few_steps(),
                               [&](int, int, int, int) {
                                 if (++steps == 1) token.cancel();
                               },
                               &token),
               Cancelled);
  EXPECT_EQ(steps, 1);
}

TEST(Engine, SaveAndLoadGiveTheSameModel) {
  shotgen::testing::TempDir dir;
  Engine engine = Engine::create_random(test_models::tiny_config(), 8);
  engine.save(dir.path() / "model");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "model" / "config.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "model" / "vocab.txt"));
  Engine loaded = Engine::load(dir.path() / "model", DeviceChoice::Cpu);
  const GenerationRequest request = small_request("green sky", 4);
  EXPECT_EQ(loaded.generate({request}, few_steps()), engine.generate({request}, few_steps()));
  EXPECT_EQ(loaded.info().parameter_count, engine.info().parameter_count);
  EXPECT_EQ(loaded.info().weights_dtype, "F32");
  engine.save(dir.path() / "half", "F16");
  EXPECT_EQ(Engine::load(dir.path() / "half", DeviceChoice::Cpu).info().weights_dtype, "F16");
}

TEST(Engine, BadRequestsAreClearErrors) {
  Engine engine = Engine::create_random(test_models::tiny_config(), 9);
  auto expect_error = [&](std::vector<GenerationRequest> batch, const std::string& fragment) {
    try {
      engine.generate(batch, few_steps());
      FAIL() << "expected " << fragment;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  GenerationRequest bad_size = small_request("sky", 1);
  bad_size.width = 40;
  expect_error({bad_size}, "not a multiple of 16");
  GenerationRequest longer = small_request("sky", 1, 5);
  expect_error({small_request("sky", 1), longer}, "must share frames and size");
  GenerationRequest many = small_request("sky", 1);
  many.references.assign(3, ReferenceImage{gradient_image(8, 8), {}});
  expect_error({many}, "at most 2");
  GenerationRequest index = small_request("sky", 1);
  index.conditioning_frames = {gradient_image(32, 16)};
  index.conditioning_indices = {3};
  expect_error({index}, "outside the clip");
  GenerationRequest wrong_frame = small_request("sky", 1);
  wrong_frame.conditioning_frames = {gradient_image(16, 16)};
  wrong_frame.conditioning_indices = {0};
  expect_error({wrong_frame}, "resize the conditioning frame");
  expect_error({}, "empty batch");
  EXPECT_THROW(Engine::load("/nonexistent/model"), Error);
  EXPECT_THROW(parse_device_choice("tpu"), Error);
  EXPECT_THROW(parse_sampler_method("ddim"), Error);
}

TEST(Engine, LatentModelsGenerateThroughTheirAutoencoder) {
  Engine engine = Engine::create_random(test_models::tiny_latent_config(), 10);
  GenerationRequest request = small_request("green sky", 11, 6);  // two windows of a 4-frame model
  const Image given = gradient_image(32, 16);
  request.conditioning_frames = {given};
  request.conditioning_indices = {0};
  const Clip clip = engine.generate({request}, few_steps())[0];
  ASSERT_EQ(clip.frame_count(), 6);
  EXPECT_EQ(clip.width(), 32);
  EXPECT_EQ(clip.height(), 16);
  EXPECT_EQ(clip.frames[0], given);  // exactly as given, though the decoder only approximates it
  EXPECT_NE(clip.frames[1], given);

  // Alone or in a batch: the same frames.
  GenerationRequest other = small_request("red figure", 3, 6);
  const std::vector<Clip> batch = engine.generate({other, request}, few_steps());
  EXPECT_EQ(batch[1], clip);
  EXPECT_NE(batch[0], clip);

  // Saved and loaded, the autoencoder comes along.
  shotgen::testing::TempDir dir;
  engine.save(dir.path() / "model");
  Engine loaded = Engine::load(dir.path() / "model", DeviceChoice::Cpu);
  EXPECT_TRUE(loaded.info().config.is_latent());
  EXPECT_EQ(loaded.generate({request}, few_steps())[0], clip);
}

TEST(Engine, NonFiniteOutputIsAnErrorNotABlackClip) {
  shotgen::testing::TempDir dir;
  Engine engine = Engine::create_random(test_models::tiny_config(), 12);
  engine.save(dir.path() / "model");
  // Damage one weight the way a broken checkpoint would: every velocity becomes NaN.
  Engine broken = Engine::load(dir.path() / "model", DeviceChoice::Cpu);
  {
    torch::NoGradGuard no_grad;
    broken.impl().model->denoiser->final_linear->bias.fill_(std::numeric_limits<float>::quiet_NaN());
  }
  try {
    broken.generate({small_request("green sky", 1)}, few_steps());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("non-finite"), std::string::npos) << e.what();
  }
  SamplerSettings huge = few_steps();
  huge.guidance = 1e308;
  EXPECT_THROW(engine.generate({small_request("green sky", 1)}, huge), Error);
}

TEST(Engine, RowsSplitAcrossThreadsGiveTheSameBits) {
  // CTest runs with one torch thread; the split of a batch's rows across threads must not change
  // a single bit of any request's clip.
  const int threads_before = at::get_num_threads();
  Engine engine = Engine::create_random(test_models::tiny_config(), 13);
  const std::vector<GenerationRequest> batch = {small_request("green sky", 1), small_request("red figure", 2),
                                                small_request("painted sky", 3)};
  at::set_num_threads(1);
  const std::vector<Clip> one_thread = engine.generate(batch, few_steps());
  at::set_num_threads(2);
  const std::vector<Clip> two_threads = engine.generate(batch, few_steps());
  at::set_num_threads(threads_before);
  EXPECT_EQ(one_thread, two_threads);
}
