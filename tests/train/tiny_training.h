#pragma once
// Trainer options for a few steps of the tiny model (train/tiny_config.h) on the CPU, one thread:
// shared by the trainer's tests and the CUDA training test (which switches the device).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/image.h"
#include "engine/engine.h"
#include "train/tiny_config.h"
#include "train/trainer.h"

namespace shotgen::testing {

inline train::TrainOptions tiny_train_options(const std::filesystem::path& out, std::int64_t steps) {
  train::TrainOptions options;
  options.out_dir = out;
  options.config = tiny_model_config();
  options.max_steps = steps;
  options.batch_size = 2;
  options.frames = 4;
  options.warmup_steps = 1;
  options.learning_rate = 1e-3;
  options.checkpoint_every = 0;
  options.threads = 1;
  options.device = "cpu";
  options.conditioning_probability = 0.5;
  return options;
}

// One 4-frame 16×16 clip of `prompt` at 2 sampler steps: enough to show a trained model loads and draws.
inline std::vector<Clip> generate_tiny_clip(engine::Engine& engine, const std::string& prompt) {
  engine::GenerationRequest request;
  request.positive = prompt;
  request.frames = 4;
  request.width = 16;
  request.height = 16;
  engine::SamplerSettings settings;
  settings.steps = 2;
  return engine.generate({request}, settings);
}

}  // namespace shotgen::testing
