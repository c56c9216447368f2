#include "engine/model/reference_encoder.h"

#include "core/error.h"

namespace shotgen::engine {
namespace {

namespace F = torch::nn::functional;

torch::Tensor luminance(const torch::Tensor& images) {  // [N,3,H,W] → [N,1,H,W]
  return (images.select(1, 0) * 0.299 + images.select(1, 1) * 0.587 + images.select(1, 2) * 0.114).unsqueeze(1);
}

torch::Tensor histogram(const torch::Tensor& bins, int count) {  // integer bins [N, P] → [N, count]
  return F::one_hot(bins, count).to(torch::kFloat32).mean(1);
}

torch::Tensor quantize(const torch::Tensor& values, int levels) {
  return torch::clamp(torch::floor(values * levels), 0, levels - 1).to(torch::kLong);
}

// Blur by averaging s×s blocks and spreading them back: what remains in x − blur is detail finer than s.
torch::Tensor block_blur(const torch::Tensor& x, int s) {
  return F::interpolate(F::avg_pool2d(x, F::AvgPool2dFuncOptions(s)),
                        F::InterpolateFuncOptions().scale_factor(std::vector<double>{double(s), double(s)}).mode(torch::kNearest));
}

torch::Tensor gradient_magnitude(const torch::Tensor& lum) {  // [N,1,H,W] → [N,1,H,W]
  torch::Tensor gx = F::pad(lum.slice(3, 1) - lum.slice(3, 0, -1), F::PadFuncOptions({0, 1, 0, 0}));
  torch::Tensor gy = F::pad(lum.slice(2, 1) - lum.slice(2, 0, -1), F::PadFuncOptions({0, 0, 0, 1}));
  return torch::sqrt(gx * gx + gy * gy + 1e-12);
}

torch::Tensor centroid(const torch::Tensor& weights) {  // [N,1,H,W] → [N,2] (x, y in [0,1])
  const auto h = weights.size(2), w = weights.size(3);
  auto options = weights.options();
  torch::Tensor xs = (torch::arange(w, options) + 0.5) / w;
  torch::Tensor ys = (torch::arange(h, options) + 0.5) / h;
  torch::Tensor total = weights.sum({1, 2, 3}) + 1e-6;
  torch::Tensor cx = (weights * xs.view({1, 1, 1, w})).sum({1, 2, 3}) / total;
  torch::Tensor cy = (weights * ys.view({1, 1, h, 1})).sum({1, 2, 3}) / total;
  return torch::stack({cx, cy}, 1);
}

torch::Tensor palette_features(const torch::Tensor& images) {
  const auto n = images.size(0);
  torch::Tensor q = quantize(images, 4).flatten(2);  // [N,3,P]
  torch::Tensor bins = q.select(1, 0) * 16 + q.select(1, 1) * 4 + q.select(1, 2);
  return torch::cat({histogram(bins, 64), images.mean({2, 3}), images.std({2, 3}),
                     F::adaptive_avg_pool2d(images, F::AdaptiveAvgPool2dFuncOptions(2)).reshape({n, 12})},
                    1);
}

torch::Tensor lighting_features(const torch::Tensor& images) {
  const auto n = images.size(0);
  torch::Tensor lum = luminance(images);
  torch::Tensor rows = lum.mean(3);  // [N,1,H]
  torch::Tensor columns = lum.mean(2);  // [N,1,W]
  return torch::cat({histogram(quantize(lum.flatten(1), 16), 16), lum.mean({1, 2, 3}).unsqueeze(1),
                     lum.std({1, 2, 3}).unsqueeze(1),
                     F::adaptive_avg_pool1d(rows, F::AdaptiveAvgPool1dFuncOptions(8)).reshape({n, 8}),
                     F::adaptive_avg_pool1d(columns, F::AdaptiveAvgPool1dFuncOptions(4)).reshape({n, 4})},
                    1);
}

torch::Tensor texture_features(const torch::Tensor& images) {
  torch::Tensor lum = luminance(images);
  std::vector<torch::Tensor> parts;
  for (int scale : {2, 4, 8}) {
    torch::Tensor detail = (lum - block_blur(lum, scale)).abs().flatten(1);
    parts.push_back(detail.mean(1, true));
    parts.push_back(detail.std(1, true, true));
  }
  torch::Tensor gradient = gradient_magnitude(lum).flatten(1);
  parts.push_back(gradient.mean(1, true));
  for (double threshold : {0.05, 0.1, 0.2}) parts.push_back((gradient > threshold).to(torch::kFloat32).mean(1, true));
  parts.push_back((images - block_blur(images, 2)).abs().mean({2, 3}));
  return torch::cat(parts, 1);
}

torch::Tensor composition_features(const torch::Tensor& images) {
  const auto n = images.size(0);
  torch::Tensor lum = luminance(images);
  torch::Tensor edges = gradient_magnitude(lum);
  return torch::cat({F::adaptive_avg_pool2d(lum, F::AdaptiveAvgPool2dFuncOptions(4)).reshape({n, 16}),
                     F::adaptive_avg_pool2d(edges, F::AdaptiveAvgPool2dFuncOptions(4)).reshape({n, 16}),
                     centroid(lum), centroid(edges)},
                    1);
}

}  // namespace

torch::Tensor reference_image_tensor(const Image& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3)
    throw Error("reference image is empty or malformed", "reference", "pass a readable RGB image");
  torch::Tensor pixels = torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()),
                                          {image.height, image.width, 3}, torch::kUInt8)
                             .permute({2, 0, 1})
                             .to(torch::kFloat32)
                             .div(255.0)
                             .unsqueeze(0);
  return F::adaptive_avg_pool2d(pixels, F::AdaptiveAvgPool2dFuncOptions({kReferenceSize, kReferenceSize})).squeeze(0);
}

int reference_feature_size(const std::string& group) {
  if (group == "palette") return 82;
  if (group == "lighting") return 30;
  if (group == "texture") return 13;
  if (group == "composition") return 36;
  throw Error("unknown reference group '" + group + "'", "model config", "use palette, lighting, texture or composition");
}

torch::Tensor reference_features(const torch::Tensor& images, const std::string& group) {
  if (group == "palette") return palette_features(images);
  if (group == "lighting") return lighting_features(images);
  if (group == "texture") return texture_features(images);
  if (group == "composition") return composition_features(images);
  throw Error("unknown reference group '" + group + "'", "model config", "use palette, lighting, texture or composition");
}

ReferenceGroupImpl::ReferenceGroupImpl(int features, int tokens_, int width) : tokens(tokens_) {
  fc1 = register_module("fc1", torch::nn::Linear(features, width));
  fc2 = register_module("fc2", torch::nn::Linear(width, tokens * width));
  embedding = register_parameter("embedding", torch::zeros({tokens, width}));
}

torch::Tensor ReferenceGroupImpl::forward(const torch::Tensor& features) {
  torch::Tensor out = fc2->forward(torch::silu(fc1->forward(features)));
  return out.view({features.size(0), tokens, -1}) + embedding.unsqueeze(0);
}

ReferenceEncoderImpl::ReferenceEncoderImpl(const ModelConfig& config) : group_names(config.reference_groups) {
  for (const std::string& name : group_names)
    groups.push_back(register_module(
        name, ReferenceGroup(reference_feature_size(name), config.reference_tokens_per_group, config.text_width)));
}

torch::Tensor ReferenceEncoderImpl::forward(const torch::Tensor& images) {
  std::vector<torch::Tensor> tokens;
  for (std::size_t g = 0; g < groups.size(); ++g)
    tokens.push_back(groups[g]->forward(reference_features(images, group_names[g])));
  return torch::cat(tokens, 1);
}

}  // namespace shotgen::engine
