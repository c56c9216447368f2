#pragma once
// A model small enough to train a few steps in a unit test.
#include "engine/model/config.h"
#include "train/vocabulary.h"

namespace shotgen::testing {

inline engine::ModelConfig tiny_model_config() {
  engine::ModelConfig config;
  config.width = 16;
  config.depth = 1;
  config.heads = 2;
  config.patch_size = 4;
  config.mlp_depthwise_kernel = 3;
  config.text_width = 16;
  config.text_depth = 1;
  config.text_heads = 2;
  config.max_tokens = 24;
  config.hash_buckets = 8;
  config.window_frames = 4;
  config.overlap_frames = 1;
  config.trained_sizes = {{16, 16}};
  config.max_references = 2;
  config.vocabulary = train::caption_vocabulary();
  return config;
}

}  // namespace shotgen::testing
