#pragma once
// The text encoder: token embedding + learned positions + pre-LN transformer layers + final norm,
// giving one embedding per token. Private to engine + train (exposes libtorch).
// Parameters: token_embedding.weight [V, Dt], position_embedding [max_tokens, Dt],
// layers.{i}.{norm1,attention.qkv,attention.out,norm2,mlp.fc1,mlp.fc2}.*, final_norm.{weight,bias}.
#include <torch/torch.h>

#include "engine/model/attention.h"
#include "engine/model/config.h"

namespace shotgen::engine {

struct TextLayerImpl : torch::nn::Module {
  TextLayerImpl(int dim, int heads, int hidden);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_bias);
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  SelfAttention attention{nullptr};
  Mlp mlp{nullptr};
};
TORCH_MODULE(TextLayer);

struct TextEncoderImpl : torch::nn::Module {
  explicit TextEncoderImpl(const ModelConfig& config);
  // ids [B, L] int64 (L ≤ max_tokens, padded with kPadToken) → [B, L, text_width]. Padding keys are
  // masked out of self-attention; padded positions still get (unused) outputs.
  torch::Tensor forward(const torch::Tensor& ids);
  torch::nn::Embedding token_embedding{nullptr};
  torch::Tensor position_embedding;
  torch::nn::ModuleList layers{nullptr};
  torch::nn::LayerNorm final_norm{nullptr};
};
TORCH_MODULE(TextEncoder);

}  // namespace shotgen::engine
