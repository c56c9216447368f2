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

}  // namespace shotgen::testing
