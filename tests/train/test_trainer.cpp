#include "train/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "engine/engine.h"
#include "engine/io/safetensors.h"
#include "engine/io/weights.h"
#include "engine/model/config.h"
#include "engine/text/tokenizer.h"
#include "support/test_support.h"
#include "train/tiny_config.h"
#include "train/tiny_training.h"
#include "train/vocabulary.h"

namespace shotgen::train {
namespace {

namespace fs = std::filesystem;

TrainOptions tiny_options(const fs::path& out, std::int64_t steps) { return testing::tiny_train_options(out, steps); }

TEST(Trainer, TrainsWritesCheckpointLossLogAndExport) {
  testing::TempDir dir;
  int logs = 0;
  TrainSummary summary = train(tiny_options(dir.path(), 3), [&](const TrainProgress& p) {
    ++logs;
    EXPECT_TRUE(std::isfinite(p.loss));
  });
  EXPECT_EQ(summary.steps, 3);
  EXPECT_EQ(summary.clips_seen, 6);
  EXPECT_EQ(summary.stop_reason, "steps");
  EXPECT_TRUE(std::isfinite(summary.final_loss));
  EXPECT_GT(summary.final_loss, 0.0);
  EXPECT_EQ(logs, 1);  // log_every 10: only the last step

  const std::string csv = read_file(dir.path() / "loss.csv");
  EXPECT_EQ(csv.rfind("step,loss,ema_loss,lr,seconds\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);

  // Training changed the weights away from the EMA's starting point (the initialisation).
  auto model = engine::read_safetensors(dir.path() / "checkpoint" / "model.safetensors");
  auto ema = engine::read_safetensors(dir.path() / "checkpoint" / "ema.safetensors");
  int differing = 0;
  for (const auto& [name, tensor] : model.tensors) differing += tensor.bytes != ema.tensors.at(name).bytes;
  EXPECT_GT(differing, 0);

  // The export is f16, loadable by the engine, and carries the training summary.
  auto shipped = engine::read_safetensors(summary.exported / "weights.safetensors");
  for (const auto& [name, tensor] : shipped.tensors) EXPECT_EQ(tensor.dtype, engine::DType::F16) << name;
  auto config = nlohmann::json::parse(read_file(summary.exported / "config.json"));
  EXPECT_EQ(config["training"]["steps"], 3);
  EXPECT_EQ(config["training"]["batch_size"], 2);
  engine::Engine engine = engine::Engine::load(summary.exported, engine::DeviceChoice::Cpu);
  EXPECT_EQ(engine.info().weights_dtype, "F16");
  auto clips = testing::generate_tiny_clip(engine, "flat 2D animation, pan left");
  ASSERT_EQ(clips.size(), 1u);
  EXPECT_EQ(clips[0].frame_count(), 4);
}

TEST(Trainer, StoppedThenResumedEqualsAnUninterruptedRun) {
  testing::TempDir straight, split;
  train(tiny_options(straight.path(), 4));
  TrainOptions first = tiny_options(split.path(), 4);
  first.export_at_end = false;
  first.log_every = 1;
  engine::CancelToken stop;  // what the CLI's signal handler sets
  first.stop = &stop;
  TrainSummary stopped = train(first, [&](const TrainProgress& p) {
    if (p.step == 2) stop.cancel();  // finishes the step, checkpoints, stops
  });
  EXPECT_EQ(stopped.stop_reason, "request");
  EXPECT_EQ(stopped.steps, 2);
  TrainOptions second = tiny_options(split.path(), 4);
  second.resume = true;
  second.learning_rate = 5.0;  // ignored: a resumed run keeps its checkpoint's hyperparameters
  TrainSummary summary = train(second);
  EXPECT_EQ(summary.steps, 4);
  EXPECT_EQ(summary.clips_seen, 8);

  for (const char* file : {"model.safetensors", "ema.safetensors", "optimizer.safetensors"}) {
    EXPECT_TRUE(read_file(straight.path() / "checkpoint" / file) == read_file(split.path() / "checkpoint" / file))
        << file << " differs";
  }
  auto state_a = nlohmann::json::parse(read_file(straight.path() / "checkpoint" / "state.json"));
  auto state_b = nlohmann::json::parse(read_file(split.path() / "checkpoint" / "state.json"));
  EXPECT_EQ(state_a["clips_seen"], state_b["clips_seen"]);
  EXPECT_EQ(state_a["step"], state_b["step"]);
  EXPECT_DOUBLE_EQ(state_a["ema_loss"].get<double>(), state_b["ema_loss"].get<double>());
  // The loss log continues without repeating steps.
  const std::string csv = read_file(split.path() / "loss.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
}

// A training option that changes the update: a two-step run with it (set by `set`) ends with other
// weights than one without; the checkpoint records `key` = `value`, and a resumed run that asks for
// the option's default keeps the recorded value.
void expect_option_changes_the_update_and_survives_resume(const std::filesystem::path& plain,
                                                          const std::filesystem::path& with,
                                                          const std::function<void(TrainOptions&, bool)>& set,
                                                          const char* key, double value) {
  train(tiny_options(plain, 2));
  TrainOptions options = tiny_options(with, 2);
  set(options, true);
  train(options);
  EXPECT_FALSE(read_file(plain / "checkpoint" / "model.safetensors") ==
               read_file(with / "checkpoint" / "model.safetensors"));
  auto state = nlohmann::json::parse(read_file(with / "checkpoint" / "state.json"));
  EXPECT_EQ(state["hyperparameters"][key], value);

  // A resumed run keeps the value its checkpoint was trained with.
  TrainOptions resumed = tiny_options(with, 3);
  resumed.resume = true;
  set(resumed, false);
  train(resumed);
  state = nlohmann::json::parse(read_file(with / "checkpoint" / "state.json"));
  EXPECT_EQ(state["hyperparameters"][key], value);
  EXPECT_EQ(state["step"], 3);
}

TEST(Trainer, MultiscaleLossChangesTheUpdateKeepsTheLoggedMseAndSurvivesResume) {
  testing::TempDir plain, multiscale;
  expect_option_changes_the_update_and_survives_resume(
      plain.path(), multiscale.path(),
      [](TrainOptions& o, bool on) { o.multiscale_loss_weight = on ? 4.0 : 0.0; }, "multiscale_loss_weight", 4.0);
  // Same data, same start: the first step's logged loss (the plain MSE) is the same.
  auto first_loss = [](const std::filesystem::path& dir) {
    const std::string csv = read_file(dir / "loss.csv");
    const std::size_t line = csv.find('\n') + 1;
    const std::size_t comma = csv.find(',', line);
    return std::stod(csv.substr(comma + 1, csv.find(',', comma + 1) - comma - 1));
  };
  EXPECT_DOUBLE_EQ(first_loss(plain.path()), first_loss(multiscale.path()));
}

TEST(Trainer, FigureLossWeightChangesTheUpdateAndIsKeptOnResume) {
  testing::TempDir plain, figures;
  expect_option_changes_the_update_and_survives_resume(
      plain.path(), figures.path(), [](TrainOptions& o, bool on) { o.figure_loss_weight = on ? 4.0 : 1.0; },
      "figure_loss_weight", 4.0);
}

TEST(Trainer, LayoutNoiseChangesTheUpdateAndIsKeptOnResume) {
  testing::TempDir plain, layout;
  expect_option_changes_the_update_and_survives_resume(
      plain.path(), layout.path(), [](TrainOptions& o, bool on) { o.layout_noise = on ? 0.5 : 0.0; }, "layout_noise",
      0.5);
}

TEST(Trainer, OffsetNoiseIsRecordedAndKeptOnResume) {
  testing::TempDir plain, offset;
  expect_option_changes_the_update_and_survives_resume(
      plain.path(), offset.path(), [](TrainOptions& o, bool on) { o.offset_noise = on ? 0.3 : 0.0; }, "offset_noise",
      0.3);
}

TEST(Trainer, FrameNoiseCorrelationIsRecordedKeptOnResumeAndExportedForSampling) {
  testing::TempDir plain, correlated;
  expect_option_changes_the_update_and_survives_resume(
      plain.path(), correlated.path(),
      [](TrainOptions& o, bool on) { o.frame_noise_correlation = on ? 0.5 : 0.0; }, "frame_noise_correlation", 0.5);
  // The exported model samples from the noise it was trained on.
  const engine::Engine engine = engine::Engine::load(correlated.path() / "model", engine::DeviceChoice::Cpu);
  EXPECT_DOUBLE_EQ(engine.info().config.frame_noise_correlation, 0.5);
  EXPECT_DOUBLE_EQ(engine::Engine::load(plain.path() / "model", engine::DeviceChoice::Cpu).info().config.frame_noise_correlation,
                   0.0);
}

TEST(Trainer, NoiseThatFollowsTheCameraInSubCellsChangesTheUpdateIsKeptOnResumeAndExported) {
  testing::TempDir still, moving;
  TrainOptions options = tiny_options(still.path(), 2);
  options.frame_noise_correlation = 0.5;
  train(options);
  options.out_dir = moving.path();
  options.noise_follows_camera = true;
  options.camera_noise_subcells = 2;
  train(options);
  // The same clips and draws; only the shared noise of the clips whose camera moves differs.
  EXPECT_FALSE(read_file(still.path() / "checkpoint" / "model.safetensors") ==
               read_file(moving.path() / "checkpoint" / "model.safetensors"));
  TrainOptions resumed = tiny_options(moving.path(), 3);
  resumed.resume = true;
  train(resumed);
  const auto state = nlohmann::json::parse(read_file(moving.path() / "checkpoint" / "state.json"));
  EXPECT_EQ(state["hyperparameters"]["noise_follows_camera"], true);
  EXPECT_EQ(state["hyperparameters"]["camera_noise_subcells"], 2);  // kept on resume, unasked
  EXPECT_EQ(state["step"], 3);
  const engine::Engine engine = engine::Engine::load(moving.path() / "model", engine::DeviceChoice::Cpu);
  EXPECT_TRUE(engine.info().config.noise_follows_camera);
  EXPECT_EQ(engine.info().config.camera_noise_subcells, 2);
  EXPECT_FALSE(engine::Engine::load(still.path() / "model", engine::DeviceChoice::Cpu).info().config.noise_follows_camera);
}

// Compound words added to a trained model: the token embedding keeps every row it had and gains one
// per compound, the mean of its parts' rows; the exported model tokenizes "low-key" as one word.
TEST(Trainer, InitFromWithCompoundWordsAppendsTheirEmbeddingRows) {
  testing::TempDir source, tuned;
  train(tiny_options(source.path(), 2));
  TrainOptions options = tiny_options(tuned.path(), 1);
  options.init_from = source.path() / "checkpoint";
  options.compound_words = true;
  options.learning_rate = 1e-9;  // so small that the weights stay the source's
  const TrainSummary summary = train(options);

  const engine::ModelConfig before = engine::load_model_config(source.path() / "checkpoint");
  const engine::ModelConfig after = engine::load_model_config(summary.exported);
  EXPECT_TRUE(before.compound_words.empty());
  EXPECT_EQ(after.compound_words, caption_compound_words());
  EXPECT_EQ(after.vocabulary, before.vocabulary);
  const std::string name = "text_encoder.token_embedding.weight";
  const torch::Tensor old_rows =
      engine::tensor_from_bytes(engine::read_safetensors(source.path() / "checkpoint" / "model.safetensors").tensors.at(name));
  const torch::Tensor new_rows =
      engine::tensor_from_bytes(engine::read_safetensors(tuned.path() / "checkpoint" / "model.safetensors").tensors.at(name));
  ASSERT_EQ(new_rows.size(0), old_rows.size(0) + static_cast<std::int64_t>(after.compound_words.size()));
  EXPECT_TRUE(torch::allclose(new_rows.slice(0, 0, old_rows.size(0)), old_rows, 1e-5, 1e-6));
  const engine::Tokenizer split(before.vocabulary, before.hash_buckets, before.max_tokens);
  const auto low_key = std::find(after.compound_words.begin(), after.compound_words.end(), "low-key");
  ASSERT_NE(low_key, after.compound_words.end());
  const torch::Tensor parts_mean = (old_rows[split.word_id("low")] + old_rows[split.word_id("key")]) / 2;
  EXPECT_TRUE(torch::allclose(new_rows[old_rows.size(0) + (low_key - after.compound_words.begin())], parts_mean, 1e-4, 1e-5));

  // The exported model loads, and its engine reads "low-key" as the compound: the clip differs from
  // "low key"'s, where the source model (which splits the hyphen) draws the two alike.
  engine::Engine engine = engine::Engine::load(summary.exported, engine::DeviceChoice::Cpu);
  EXPECT_EQ(engine.info().config.compound_words, after.compound_words);
  const std::vector<Clip> hyphenated = testing::generate_tiny_clip(engine, "low-key lighting");
  EXPECT_EQ(hyphenated.size(), 1u);
  EXPECT_FALSE(hyphenated[0] == testing::generate_tiny_clip(engine, "low key lighting")[0]);
  engine::Engine split_engine = engine::Engine::load(source.path() / "model", engine::DeviceChoice::Cpu);
  EXPECT_TRUE(testing::generate_tiny_clip(split_engine, "low-key lighting")[0] ==
              testing::generate_tiny_clip(split_engine, "low key lighting")[0]);

  // A resumed run keeps its checkpoint's vocabulary.
  TrainOptions resumed = tiny_options(tuned.path(), 2);
  resumed.resume = true;
  resumed.compound_words = true;
  EXPECT_THROW(train(resumed), Error);
}

TEST(Trainer, RefusesToResumeNothingOrOverwriteACheckpoint) {
  testing::TempDir dir;
  TrainOptions options = tiny_options(dir.path(), 1);
  options.resume = true;
  EXPECT_THROW(train(options), Error);
  options.resume = false;
  options.export_at_end = false;
  train(options);
  EXPECT_THROW(train(options), Error);
}

// Largest |a − b| over two F32 tensors of the same shape.
float max_difference(const engine::TensorBytes& a, const engine::TensorBytes& b) {
  const auto count = static_cast<std::size_t>(a.element_count());
  std::vector<float> x(count), y(count);
  std::memcpy(x.data(), a.bytes.data(), count * sizeof(float));
  std::memcpy(y.data(), b.bytes.data(), count * sizeof(float));
  float largest = 0.0f;
  for (std::size_t i = 0; i < count; ++i) largest = std::max(largest, std::abs(x[i] - y[i]));
  return largest;
}

TEST(Trainer, InitFromStartsANewRunFromTrainedWeightsAndExportsItsShift) {
  testing::TempDir source, tuned, from_export;
  train(tiny_options(source.path(), 3));

  TrainOptions options = tiny_options(tuned.path(), 2);
  options.init_from = source.path() / "checkpoint";
  options.time_shift = 3.0;
  options.learning_rate = 1e-9;  // so small that the weights stay the source's
  options.config.width = 64;     // ignored: the source's architecture is kept
  TrainSummary summary = train(options);
  EXPECT_EQ(summary.steps, 2);  // a new run: its own step count and schedule

  auto before = engine::read_safetensors(source.path() / "checkpoint" / "model.safetensors");
  auto after = engine::read_safetensors(tuned.path() / "checkpoint" / "model.safetensors");
  ASSERT_EQ(before.tensors.size(), after.tensors.size());
  for (const auto& [name, tensor] : before.tensors) {
    ASSERT_EQ(tensor.shape, after.tensors.at(name).shape) << name;
    EXPECT_LT(max_difference(tensor, after.tensors.at(name)), 1e-6f) << name;
  }
  auto state = nlohmann::json::parse(read_file(tuned.path() / "checkpoint" / "state.json"));
  EXPECT_EQ(state["hyperparameters"]["time_shift"], 3.0);
  EXPECT_EQ(state["initialised_from"]["step"], 3);
  EXPECT_EQ(state["initialised_from"]["source"], (source.path() / "checkpoint").string());

  // The model samples on the schedule it was trained on, and says where its weights came from.
  auto config = nlohmann::json::parse(read_file(summary.exported / "config.json"));
  EXPECT_EQ(config["sampling_shift"], 3.0);
  EXPECT_EQ(config["training"]["initialised_from"]["step"], 3);
  engine::Engine engine = engine::Engine::load(summary.exported, engine::DeviceChoice::Cpu);
  EXPECT_DOUBLE_EQ(engine.info().config.sampling_shift, 3.0);

  // An exported model directory is a source too; its training summary is the provenance.
  TrainOptions second = tiny_options(from_export.path(), 1);
  second.init_from = summary.exported;
  train(second);
  auto second_state = nlohmann::json::parse(read_file(from_export.path() / "checkpoint" / "state.json"));
  EXPECT_EQ(second_state["initialised_from"]["steps"], 2);
  EXPECT_EQ(second_state["hyperparameters"]["time_shift"], 1.0);

  testing::TempDir third;
  TrainOptions missing = tiny_options(third.path(), 1);
  missing.init_from = third.path() / "no_such_run";
  try {
    train(missing);
    FAIL() << "a missing --init-from must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no trained weights to start from"), std::string::npos) << e.what();
  }
}

TEST(Trainer, InitFromCanAddTheWordPathStartingAtZero) {
  testing::TempDir source, grown;
  train(tiny_options(source.path(), 2));
  TrainOptions options = tiny_options(grown.path(), 1);
  options.init_from = source.path() / "checkpoint";
  options.pooled_words = true;
  options.learning_rate = 1e-9;
  const TrainSummary summary = train(options);
  EXPECT_TRUE(engine::load_model_config(grown.path() / "checkpoint").pooled_words);
  EXPECT_EQ(nlohmann::json::parse(read_file(summary.exported / "config.json"))["pooled_words"], true);
  // The added path starts at zero (in the model and in the EMA), so the run starts from the
  // source's function; the source's weights came along.
  for (const char* file : {"model.safetensors", "ema.safetensors"}) {
    auto weights = engine::read_safetensors(grown.path() / "checkpoint" / file);
    const auto& word = weights.tensors.at("denoiser.word_embed.weight");
    std::vector<float> values(static_cast<std::size_t>(word.element_count()));
    std::memcpy(values.data(), word.bytes.data(), values.size() * sizeof(float));
    EXPECT_LT(*std::max_element(values.begin(), values.end(), [](float a, float b) { return std::abs(a) < std::abs(b); }),
              1e-6f) << file;
  }
  auto before = engine::read_safetensors(source.path() / "checkpoint" / "model.safetensors");
  auto after = engine::read_safetensors(grown.path() / "checkpoint" / "model.safetensors");
  EXPECT_LT(max_difference(before.tensors.at("denoiser.final_linear.weight"), after.tensors.at("denoiser.final_linear.weight")),
            1e-6f);
}

TEST(Trainer, ValidatesOptions) {
  TrainOptions options = tiny_options("out", 1);
  options.max_steps = 0;
  EXPECT_THROW(options.validate(), Error);  // neither steps nor minutes
  options.minutes = 1.0;
  EXPECT_NO_THROW(options.validate());
  options.ema_decay = 1.0;
  EXPECT_THROW(options.validate(), Error);
  options.ema_decay = 0.999;
  options.device = "tpu";
  EXPECT_THROW(options.validate(), Error);
  options.device = "cpu";
  options.time_shift = 0.0;
  EXPECT_THROW(options.validate(), Error);
  options.time_shift = 3.0;
  options.multiscale_loss_weight = -1.0;
  EXPECT_THROW(options.validate(), Error);
  options.multiscale_loss_weight = 4.0;
  options.offset_noise = -0.1;
  EXPECT_THROW(options.validate(), Error);
  options.offset_noise = 0.2;
  options.frame_noise_correlation = 1.0;  // no frame noise of its own left
  EXPECT_THROW(options.validate(), Error);
  options.frame_noise_correlation = 0.0;
  options.noise_follows_camera = true;  // no shared noise to move
  EXPECT_THROW(options.validate(), Error);
  options.frame_noise_correlation = 0.5;
  EXPECT_NO_THROW(options.validate());
  options.camera_noise_subcells = 9;
  EXPECT_THROW(options.validate(), Error);
  options.figure_loss_weight = 0.5;  // would weigh the subjects less than the sky
  EXPECT_THROW(options.validate(), Error);
  options.figure_loss_weight = 4.0;
  options.layout_noise = -0.5;
  EXPECT_THROW(options.validate(), Error);
  options.layout_noise = 0.5;
  options.camera_noise_subcells = 4;
  EXPECT_NO_THROW(options.validate());
  options.noise_follows_camera = false;  // sub-cells of a noise that does not move
  EXPECT_THROW(options.validate(), Error);
  options.noise_follows_camera = true;
  options.camera_noise_subcells = 1;
  options.init_from = "elsewhere/checkpoint";
  EXPECT_NO_THROW(options.validate());
  options.resume = true;  // continue this run, or start from another: not both
  EXPECT_THROW(options.validate(), Error);
  TrainOptions too_many_frames = tiny_options("out", 1);
  too_many_frames.frames = 9;  // window is 4
  testing::TempDir dir;
  too_many_frames.out_dir = dir.path();
  EXPECT_THROW(train(too_many_frames), Error);
}

TEST(Trainer, LearningRateWarmsUpThenDecaysByCosine) {
  TrainOptions options;
  options.learning_rate = 1e-3;
  options.warmup_steps = 9;
  options.final_learning_rate_fraction = 0.1;
  EXPECT_DOUBLE_EQ(learning_rate_at(options, 0, 0.0), 1e-4);
  EXPECT_DOUBLE_EQ(learning_rate_at(options, 9, 0.0), 1e-3);
  EXPECT_NEAR(learning_rate_at(options, 100, 0.5), 1e-3 * (0.1 + 0.9 * 0.5), 1e-12);
  EXPECT_NEAR(learning_rate_at(options, 1000, 1.0), 1e-4, 1e-12);
  EXPECT_NEAR(learning_rate_at(options, 1000, 2.0), 1e-4, 1e-12);  // past the budget: the floor
}

}  // namespace
}  // namespace shotgen::train
