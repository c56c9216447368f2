#include "train/compound_embedding.h"

#include <torch/torch.h>

#include "core/error.h"
#include "engine/io/weights.h"
#include "engine/text/tokenizer.h"

namespace shotgen::train {

void add_compound_rows(engine::SafetensorsFile& weights, const engine::ModelConfig& source,
                       const std::vector<std::string>& compounds, const std::string& where) {
  const std::string name = "text_encoder.token_embedding.weight";
  auto it = weights.tensors.find(name);
  if (it == weights.tensors.end() || it->second.shape.size() != 2 || it->second.shape[0] != source.vocabulary_size())
    throw Error("the weights' token embedding does not match the model's vocabulary", where,
                "pass the config.json and weights of one trained model");
  const torch::Tensor rows = engine::tensor_from_bytes(it->second);
  const engine::Tokenizer tokenizer(source.vocabulary, source.hash_buckets, source.max_tokens);
  std::vector<torch::Tensor> added;
  for (const std::string& compound : compounds) {
    std::vector<std::int64_t> ids;
    for (const std::string& part : engine::split_words(compound)) ids.push_back(tokenizer.word_id(part));
    added.push_back(rows.index_select(0, torch::tensor(ids, torch::kLong)).mean(0));
  }
  if (added.empty()) return;
  it->second = engine::tensor_to_bytes(torch::cat({rows, torch::stack(added)}), it->second.dtype);
}

}  // namespace shotgen::train
