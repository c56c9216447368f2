#pragma once
// Reference images as separate token groups per dimension. Each group has a fixed, deterministic
// feature extractor on the reference resized to 32×32 (no learning, so a dimension cannot leak
// into another group's tokens through training):
//   palette     — 4×4×4 RGB histogram, mean and std colour, 2×2 mean colours          (82 values)
//   lighting    — 16-bin luminance histogram, mean/std, 8-band vertical and 4-band
//                 horizontal brightness profile                                      (30 values)
//   texture     — high-frequency energy at 3 scales (mean/std), gradient energy, edge
//                 density at 3 thresholds, per-channel fine detail                    (13 values)
//   composition — 4×4 luminance and edge layout, brightness and edge centroids       (36 values)
// then a learned MLP per group → reference_tokens_per_group tokens (+ a learned group embedding).
// `ignore` removes a group's tokens from cross-attention entirely (their bias is -inf).
// Parameters: reference_encoder.<group>.{fc1,fc2}.{weight,bias}, reference_encoder.<group>.embedding.
// Private to engine + train (exposes libtorch).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/image.h"
#include "engine/model/config.h"

namespace shotgen::engine {

inline constexpr int kReferenceSize = 32;

// Image → [3, 32, 32] float in [0, 1] (area-averaged resize).
torch::Tensor reference_image_tensor(const Image& image);

// Features of one group for images [N, 3, 32, 32] in [0, 1] → [N, reference_feature_size(group)].
torch::Tensor reference_features(const torch::Tensor& images, const std::string& group);
int reference_feature_size(const std::string& group);

struct ReferenceGroupImpl : torch::nn::Module {
  ReferenceGroupImpl(int features, int tokens, int width);
  torch::Tensor forward(const torch::Tensor& features);  // [N, F] → [N, tokens, width]
  int tokens;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::Tensor embedding;  // [tokens, width]
};
TORCH_MODULE(ReferenceGroup);

struct ReferenceEncoderImpl : torch::nn::Module {
  explicit ReferenceEncoderImpl(const ModelConfig& config);
  // images [N, 3, 32, 32] in [0, 1] → [N, groups × tokens_per_group, text_width], groups in
  // config.reference_groups order.
  torch::Tensor forward(const torch::Tensor& images);
  std::vector<std::string> group_names;
  std::vector<ReferenceGroup> groups;
};
TORCH_MODULE(ReferenceEncoder);

}  // namespace shotgen::engine
