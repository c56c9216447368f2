#pragma once
// A model small enough to train a few steps in a unit test: the engine tests' tiny model, narrower,
// on square 16x16 clips and with the trainer's caption vocabulary.
#include "engine/model/config.h"
#include "engine/tiny_model.h"
#include "train/vocabulary.h"

namespace shotgen::testing {

inline engine::ModelConfig tiny_model_config() {
  engine::ModelConfig config = engine::test_models::tiny_config();
  config.width = 16;
  config.text_width = 16;
  config.max_tokens = 24;
  config.trained_sizes = {{16, 16}};
  config.vocabulary = train::caption_vocabulary();
  return config;
}

// The tiny model with a latent space (an 8-channel frame autoencoder, 4x smaller per side, width 16;
// patch 2 on the latent grid).
inline engine::ModelConfig tiny_latent_model_config() {
  engine::ModelConfig config = tiny_model_config();
  config.latent_channels = 8;
  config.latent_factor = 4;
  config.autoencoder_width = 16;
  config.patch_size = 2;
  return config;
}

}  // namespace shotgen::testing
