#include <gtest/gtest.h>

#include "core/error.h"
#include "engine/io/weights.h"
#include "engine/model/shot_model.h"
#include "support/test_support.h"
#include "tiny_model.h"

using namespace shotgen;
using namespace shotgen::engine;

TEST(Weights, SaveAndLoadRoundTripInEveryDtype) {
  shotgen::testing::TempDir dir;
  ShotModel source(test_models::tiny_config());
  initialize_parameters(*source, InitMode::Random, 7);
  for (DType dtype : {DType::F32, DType::F16, DType::BF16}) {
    const auto path = dir.path() / (std::string(dtype_name(dtype)) + ".safetensors");
    save_weights(*source, path, dtype, {{"note", "test"}});
    ShotModel target(test_models::tiny_config());
    const auto metadata = load_weights(*target, path);
    EXPECT_EQ(metadata.at("note"), "test");
    const double tolerance = dtype == DType::F32 ? 0.0 : dtype == DType::F16 ? 1e-3 : 1e-2;
    for (const auto& item : source->named_parameters()) {
      const torch::Tensor loaded = target->named_parameters()[item.key()];
      EXPECT_LE((loaded - item.value()).abs().max().item<double>(),
                tolerance * std::max(1.0, item.value().abs().max().item<double>()))
          << item.key() << " " << dtype_name(dtype);
    }
  }
}

TEST(Weights, UsesTheDocumentedModuleHierarchy) {
  ShotModel model(test_models::tiny_config());
  auto parameters = model->named_parameters();
  for (const char* name :
       {"text_encoder.token_embedding.weight", "text_encoder.position_embedding",
        "text_encoder.layers.0.attention.qkv.weight", "text_encoder.final_norm.bias",
        "reference_encoder.palette.fc1.weight", "reference_encoder.composition.embedding",
        "denoiser.patch_embed.weight", "denoiser.time_embed.fc1.weight", "denoiser.time_embed.fc2.bias",
        "denoiser.pooled_embed.weight", "denoiser.context_norm.weight", "denoiser.blocks.0.modulation.weight",
        "denoiser.blocks.0.spatial_attention.qkv.weight", "denoiser.blocks.0.temporal_attention.out.bias",
        "denoiser.blocks.0.cross_attention.kv.weight", "denoiser.blocks.0.mlp.fc2.weight",
        "denoiser.final_modulation.weight", "denoiser.final_linear.weight"})
    EXPECT_TRUE(parameters.contains(name)) << name;
}

TEST(Weights, APartAddedToATrainedModelMayBeMissingAndKeepsItsValues) {
  ShotModel trained(test_models::tiny_config());
  initialize_parameters(*trained, InitMode::Random, 1);
  const SafetensorsFile file = weights_to_safetensors(*trained, DType::F32);
  ModelConfig grown = test_models::tiny_config();
  grown.pooled_words = true;
  ShotModel target(grown);
  initialize_parameters(*target, InitMode::Training, 2);
  EXPECT_THROW(load_weights(*target, file, "weights.safetensors"), Error);  // missing unless allowed
  load_weights(*target, file, "weights.safetensors",
               [](const std::string& name) { return name.rfind("denoiser.word_embed.", 0) == 0; });
  auto loaded = target->named_parameters();
  EXPECT_TRUE(torch::equal(loaded["denoiser.patch_embed.weight"], trained->named_parameters()["denoiser.patch_embed.weight"]));
  EXPECT_EQ(loaded["denoiser.word_embed.weight"].abs().max().item<float>(), 0.0f);
}

TEST(Weights, LoadingReportsEveryMismatchAtOnceAndChangesNothing) {
  ShotModel model(test_models::tiny_config());
  initialize_parameters(*model, InitMode::Random, 1);
  SafetensorsFile file = weights_to_safetensors(*model, DType::F32);
  file.tensors.erase("denoiser.final_linear.weight");
  file.tensors.erase("text_encoder.position_embedding");
  file.tensors["denoiser.extra.weight"] = tensor_to_bytes(torch::zeros({2}), DType::F32);
  file.tensors["denoiser.patch_embed.bias"] = tensor_to_bytes(torch::zeros({5}), DType::F16);

  ShotModel target(test_models::tiny_config());
  initialize_parameters(*target, InitMode::Random, 2);
  const torch::Tensor before = target->named_parameters()["denoiser.patch_embed.weight"].clone();
  try {
    load_weights(*target, file, "model/weights.safetensors");
    FAIL() << "expected a mismatch error";
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const char* fragment : {"model/weights.safetensors", "2 missing", "denoiser.final_linear.weight",
                                 "text_encoder.position_embedding", "1 unexpected", "denoiser.extra.weight",
                                 "1 shape mismatches", "denoiser.patch_embed.bias is [5], model needs [32]"})
      EXPECT_NE(message.find(fragment), std::string::npos) << fragment << " in " << message;
  }
  EXPECT_TRUE(torch::equal(before, target->named_parameters()["denoiser.patch_embed.weight"]));
}
