#pragma once
// A tiny model configuration for engine tests: small enough to generate in a fraction of a second.
#include "engine/model/config.h"

namespace shotgen::engine::test_models {

inline ModelConfig tiny_config() {
  ModelConfig config;
  config.patch_size = 4;
  config.width = 32;
  config.depth = 1;
  config.heads = 2;
  config.mlp_ratio = 2.0;
  config.mlp_depthwise_kernel = 3;
  config.text_width = 32;
  config.text_depth = 1;
  config.text_heads = 2;
  config.max_tokens = 16;
  config.vocabulary = {"green", "sky", "red", "figure", "painted"};
  config.hash_buckets = 8;
  config.window_frames = 4;
  config.overlap_frames = 1;
  config.trained_sizes = {{32, 16}};
  config.max_references = 2;
  return config;
}

// The same model in a latent space: an 8-channel frame autoencoder 4x smaller per side, patch 2 on
// the latent grid (8 pixels per patch), with the word path (as the shipped model).
inline ModelConfig tiny_latent_config() {
  ModelConfig config = tiny_config();
  config.pooled_words = true;
  config.latent_channels = 8;
  config.latent_factor = 4;
  config.autoencoder_width = 16;
  config.patch_size = 2;
  return config;
}

}  // namespace shotgen::engine::test_models
