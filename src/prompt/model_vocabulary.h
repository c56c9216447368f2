#pragma once
// The words a generation model has been trained on, read from its model folder without loading
// the model (no libtorch): config.json names the word list ("vocab_file", default "vocab.txt"),
// one word per line. Lint warns about look words outside it; the model maps such words to hash
// buckets it has never learned, so they add noise, not meaning.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace shotgen::prompt {

struct ModelVocabulary {
  std::filesystem::path model_dir;
  std::vector<std::string> words;  // in file order
};

// Reads the vocabulary of the model in `model_dir`. A missing folder, config.json or word list,
// or a vocab_file that leads outside the model folder, is a Problem (kind "model-vocabulary").
Outcome<ModelVocabulary> read_model_vocabulary(const std::filesystem::path& model_dir);

// The words the model's tokenizer makes of `text` (after weighting syntax is removed): runs of
// ASCII letters and digits, lowercased; everything else separates (as engine/text/tokenizer.cpp
// splits them).
std::vector<std::string> model_words(std::string_view text);

}  // namespace shotgen::prompt
