#pragma once
// Adding compound words to a trained model (`model train --init-from … --compound-words`): the
// source's token embedding gets one row per compound, after its hash buckets, each the mean of the
// rows its parts had — so the run starts near the function the source computed from the split words,
// and learns from there what the whole word means. Private to train (libtorch).
#include <string>
#include <vector>

#include "engine/io/safetensors.h"
#include "engine/model/config.h"

namespace shotgen::train {

// Appends the rows of `compounds` to `weights`' text_encoder.token_embedding.weight, whose rows are
// `source`'s vocabulary (source has no compound words). Keeps the tensor's dtype. Throws
// shotgen::Error when the tensor is missing or its row count is not source.vocabulary_size().
void add_compound_rows(engine::SafetensorsFile& weights, const engine::ModelConfig& source,
                       const std::vector<std::string>& compounds, const std::string& where);

}  // namespace shotgen::train
