#include "train/autoencoder_trainer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "engine/engine.h"
#include "engine/io/safetensors.h"
#include "engine/io/weights.h"
#include "support/test_support.h"
#include "train/tiny_config.h"
#include "train/tiny_training.h"
#include "train/trainer.h"

namespace shotgen::train {
namespace {

namespace fs = std::filesystem;

AutoencoderTrainOptions tiny_autoencoder_options(const fs::path& out, std::int64_t steps) {
  AutoencoderTrainOptions options;
  options.out_dir = out;
  options.config = testing::tiny_latent_model_config();
  options.max_steps = steps;
  options.batch_frames = 4;
  options.frames_per_clip = 2;
  options.warmup_steps = 1;
  options.checkpoint_every = 0;
  options.threads = 1;
  options.device = "cpu";
  return options;
}

TEST(AutoencoderTrainer, TrainsMeasuresAndWritesACheckpoint) {
  testing::TempDir dir;
  int logs = 0;
  const AutoencoderSummary summary =
      train_autoencoder(tiny_autoencoder_options(dir.path(), 3), [&](const AutoencoderProgress&) { ++logs; });
  EXPECT_EQ(summary.steps, 3);
  EXPECT_EQ(summary.frames_seen, 12);
  EXPECT_EQ(summary.stop_reason, "steps");
  EXPECT_TRUE(std::isfinite(summary.final_loss));
  EXPECT_GT(summary.validation_psnr, 0.0);
  EXPECT_GT(summary.validation_structure_ratio, 0.0);
  EXPECT_EQ(logs, 1);
  const fs::path checkpoint = autoencoder_checkpoint_dir(dir.path());
  const auto weights = engine::read_safetensors(checkpoint / "autoencoder.safetensors");
  ASSERT_TRUE(weights.tensors.count("latent_std"));
  // The latent statistics were measured (not left at the initial 0 / 1).
  const auto& std_bytes = weights.tensors.at("latent_std");
  EXPECT_NE(engine::tensor_from_bytes(std_bytes).sub(1.0).abs().max().item<double>(), 0.0);
  EXPECT_TRUE(engine::load_model_config(checkpoint).is_latent());
}

TEST(AutoencoderTrainer, ResumesAndRefusesToOverwrite) {
  testing::TempDir dir;
  train_autoencoder(tiny_autoencoder_options(dir.path(), 2));
  EXPECT_THROW(train_autoencoder(tiny_autoencoder_options(dir.path(), 4)), Error);
  AutoencoderTrainOptions resume = tiny_autoencoder_options(dir.path(), 4);
  resume.resume = true;
  EXPECT_EQ(train_autoencoder(resume).steps, 4);
  const std::string csv = read_file(dir.path() / "loss.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);  // header + steps 1..4
}

TEST(AutoencoderTrainer, TheDenoiserStageTrainsOnTheFrozenLatentsAndExportsOneModel) {
  testing::TempDir dir;
  train_autoencoder(tiny_autoencoder_options(dir.path() / "coder", 2));
  const fs::path coder = autoencoder_checkpoint_dir(dir.path() / "coder");
  const auto coder_weights = engine::read_safetensors(coder / "autoencoder.safetensors");

  TrainOptions options;
  options.out_dir = dir.path() / "denoiser";
  options.autoencoder_dir = coder;
  options.config = testing::tiny_model_config();
  options.config.patch_size = 2;
  options.max_steps = 2;
  options.batch_size = 2;
  options.frames = 4;
  options.warmup_steps = 1;
  options.checkpoint_every = 0;
  options.threads = 1;
  options.device = "cpu";
  const TrainSummary summary = train(options);
  EXPECT_EQ(summary.steps, 2);
  ASSERT_FALSE(summary.exported.empty());

  // The exported model holds the autoencoder unchanged (frozen) next to the trained denoiser.
  const auto exported = engine::read_safetensors(summary.exported / "weights.safetensors");
  const auto& trained_std = exported.tensors.at("autoencoder.latent_std");
  EXPECT_TRUE(engine::tensor_from_bytes(trained_std)
                  .allclose(engine::tensor_from_bytes(coder_weights.tensors.at("latent_std")), 1e-3, 1e-3));
  const auto config = nlohmann::json::parse(read_file(summary.exported / "config.json"));
  EXPECT_EQ(config.at("latent_channels"), 8);
  EXPECT_TRUE(config.at("training").contains("autoencoder"));

  engine::Engine engine = engine::Engine::load(summary.exported, engine::DeviceChoice::Cpu);
  const Clip clip = testing::generate_tiny_clip(engine, "flat 2D animation, one figure")[0];
  EXPECT_EQ(clip.frame_count(), 4);
  EXPECT_EQ(clip.width(), 16);

  // A latent config without its autoencoder is refused with the fix.
  TrainOptions orphan = options;
  orphan.out_dir = dir.path() / "orphan";
  orphan.autoencoder_dir.clear();
  orphan.config = testing::tiny_latent_model_config();
  try {
    train(orphan);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train-autoencoder"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace shotgen::train

namespace shotgen::train {
namespace {

// A random tiny latent model saved as a model directory, and decoder-only options for it.
AutoencoderTrainOptions decoder_options(const fs::path& dir, std::int64_t steps) {
  engine::Engine::create_random(testing::tiny_latent_model_config(), 9).save(dir / "source", "F32");
  AutoencoderTrainOptions options = tiny_autoencoder_options(dir / "run", steps);
  options.config = engine::ModelConfig{};  // the model brings its own
  options.decoder_of = dir / "source";
  return options;
}

// Names of the tensors that differ between two model weight files (same names required).
std::vector<std::string> changed_tensors(const fs::path& a, const fs::path& b) {
  const auto left = engine::read_safetensors(a), right = engine::read_safetensors(b);
  EXPECT_EQ(left.tensors.size(), right.tensors.size());
  std::vector<std::string> changed;
  for (const auto& [name, bytes] : left.tensors) {
    const auto other = right.tensors.find(name);
    if (other == right.tensors.end()) ADD_FAILURE() << name << " is missing";
    else if (other->second.bytes != bytes.bytes) changed.push_back(name);
  }
  return changed;
}

TEST(AutoencoderTrainer, DecoderOnlyChangesNothingButTheModelsDecoder) {
  testing::TempDir dir;
  const AutoencoderTrainOptions options = decoder_options(dir.path(), 3);
  const AutoencoderSummary summary = train_autoencoder(options);
  EXPECT_EQ(summary.steps, 3);
  ASSERT_EQ(summary.model, dir.path() / "run" / "model");
  // Encoder, latent statistics, denoiser, text and reference encoders: byte for byte the model's.
  const std::vector<std::string> changed =
      changed_tensors(options.decoder_of / "weights.safetensors", summary.model / "weights.safetensors");
  EXPECT_FALSE(changed.empty());
  for (const std::string& name : changed) EXPECT_EQ(name.rfind("autoencoder.decoder.", 0), 0u) << name;
  // The exported model loads, and its config records the decoder run.
  EXPECT_NO_THROW(engine::Engine::load(summary.model, engine::DeviceChoice::Cpu));
  const nlohmann::json config = nlohmann::json::parse(read_file(summary.model / "config.json"));
  EXPECT_EQ(config.at("training").at("decoder").at("step"), 3);
  EXPECT_EQ(config.at("training").at("decoder").at("source"), options.decoder_of.string());
}

TEST(AutoencoderTrainer, ADecoderOnlyRunResumesAsOne) {
  testing::TempDir dir;
  train_autoencoder(decoder_options(dir.path(), 2));
  AutoencoderTrainOptions resume = tiny_autoencoder_options(dir.path() / "run", 4);
  resume.resume = true;  // no --decoder-of: the checkpoint remembers it
  const AutoencoderSummary summary = train_autoencoder(resume);
  EXPECT_EQ(summary.steps, 4);
  ASSERT_FALSE(summary.model.empty());
  for (const std::string& name :
       changed_tensors(dir.path() / "source" / "weights.safetensors", summary.model / "weights.safetensors"))
    EXPECT_EQ(name.rfind("autoencoder.decoder.", 0), 0u) << name;
}

TEST(AutoencoderTrainer, DecoderOfAPixelModelIsRefused) {
  testing::TempDir dir;
  engine::Engine::create_random(testing::tiny_model_config(), 9).save(dir.path() / "pixels", "F32");
  AutoencoderTrainOptions options = tiny_autoencoder_options(dir.path() / "run", 2);
  options.decoder_of = dir.path() / "pixels";
  try {
    train_autoencoder(options);
    FAIL() << "trained the decoder of a pixel-space model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--decoder-of"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "run" / "model"));
}

}  // namespace
}  // namespace shotgen::train
