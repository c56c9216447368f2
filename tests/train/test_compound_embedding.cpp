#include "train/compound_embedding.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "engine/io/weights.h"
#include "engine/text/tokenizer.h"
#include "train/tiny_config.h"

namespace shotgen::train {
namespace {

const char* const kEmbedding = "text_encoder.token_embedding.weight";

engine::SafetensorsFile embedding_file(const torch::Tensor& rows, engine::DType dtype) {
  engine::SafetensorsFile file;
  file.tensors[kEmbedding] = engine::tensor_to_bytes(rows, dtype);
  return file;
}

TEST(CompoundEmbedding, AppendsTheMeanOfThePartsRowsInTheTensorsDtype) {
  engine::ModelConfig source = testing::tiny_model_config();
  source.vocabulary = {"high", "key", "low"};
  const torch::Tensor rows = torch::arange(source.vocabulary_size() * 4, torch::kFloat32).view({-1, 4});
  engine::SafetensorsFile file = embedding_file(rows, engine::DType::F16);
  add_compound_rows(file, source, {"low-key", "high-key"}, "test");
  const engine::TensorBytes& grown = file.tensors.at(kEmbedding);
  EXPECT_EQ(grown.dtype, engine::DType::F16);
  const torch::Tensor out = engine::tensor_from_bytes(grown);
  ASSERT_EQ(out.size(0), rows.size(0) + 2);
  EXPECT_TRUE(torch::equal(out.slice(0, 0, rows.size(0)), rows));  // small integers: exact in f16
  const engine::Tokenizer tokenizer(source.vocabulary, source.hash_buckets, source.max_tokens);
  EXPECT_TRUE(torch::equal(out[rows.size(0)], (rows[tokenizer.word_id("low")] + rows[tokenizer.word_id("key")]) / 2));
  EXPECT_TRUE(torch::equal(out[rows.size(0) + 1], (rows[tokenizer.word_id("high")] + rows[tokenizer.word_id("key")]) / 2));
}

TEST(CompoundEmbedding, RefusesAnEmbeddingOfAnotherVocabulary) {
  engine::ModelConfig source = testing::tiny_model_config();
  engine::SafetensorsFile file = embedding_file(torch::zeros({source.vocabulary_size() + 1, 4}), engine::DType::F32);
  EXPECT_THROW(add_compound_rows(file, source, {"low-key"}, "test"), Error);
  engine::SafetensorsFile empty;
  EXPECT_THROW(add_compound_rows(empty, source, {"low-key"}, "test"), Error);
}

}  // namespace
}  // namespace shotgen::train
