#include "engine/text/text_encoder.h"

#include <limits>

#include "engine/text/tokenizer.h"

namespace shotgen::engine {

TextLayerImpl::TextLayerImpl(int dim, int heads, int hidden) {
  norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  attention = register_module("attention", SelfAttention(dim, heads));
  norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  mlp = register_module("mlp", Mlp(dim, hidden));
}

torch::Tensor TextLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& key_bias) {
  torch::Tensor h = x + attention->forward(norm1->forward(x), key_bias);
  return h + mlp->forward(norm2->forward(h));
}

TextEncoderImpl::TextEncoderImpl(const ModelConfig& config) {
  token_embedding = register_module("token_embedding",
                                    torch::nn::Embedding(config.vocabulary_size(), config.text_width));
  position_embedding = register_parameter("position_embedding", torch::zeros({config.max_tokens, config.text_width}));
  layers = register_module("layers", torch::nn::ModuleList());
  const int hidden = static_cast<int>(config.text_width * config.mlp_ratio);
  for (int i = 0; i < config.text_depth; ++i) layers->push_back(TextLayer(config.text_width, config.text_heads, hidden));
  final_norm = register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.text_width})));
}

torch::Tensor TextEncoderImpl::forward(const torch::Tensor& ids) {
  const auto length = ids.size(1);
  torch::Tensor x = token_embedding->forward(ids) + position_embedding.slice(0, 0, length).unsqueeze(0);
  const torch::Tensor key_bias =
      torch::zeros(ids.sizes(), x.options())
          .masked_fill_(ids == kPadToken, -std::numeric_limits<float>::infinity())
          .view({ids.size(0), 1, 1, length});
  for (const auto& layer : *layers) x = layer->as<TextLayer>()->forward(x, key_bias);
  return final_norm->forward(x);
}

}  // namespace shotgen::engine
