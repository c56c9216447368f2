#include "engine/model/shot_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>

namespace shotgen::engine {
namespace {

constexpr float kNegativeInfinity = -std::numeric_limits<float>::infinity();

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

ShotModelImpl::ShotModelImpl(ModelConfig config_) : config(std::move(config_)) {
  config.validate("model config");
  text_encoder = register_module("text_encoder", TextEncoder(config));
  reference_encoder = register_module("reference_encoder", ReferenceEncoder(config));
  denoiser = register_module("denoiser", Denoiser(config));
  if (config.is_latent()) autoencoder = register_module("autoencoder", FrameAutoencoder(config));
}

torch::Tensor ShotModelImpl::to_data(const torch::Tensor& pixels) {
  return autoencoder ? autoencoder->encode(pixels) : pixels;
}

torch::Tensor ShotModelImpl::to_pixels(const torch::Tensor& data) {
  return autoencoder ? autoencoder->decode(data) : data;
}

std::vector<std::int64_t> ShotModelImpl::data_shape(int frames, int height, int width) const {
  const int f = config.is_latent() ? config.latent_factor : 1;
  return {config.data_channels(), frames, height / f, width / f};
}

ContextInputs ContextInputs::to(const torch::Device& device) const {
  ContextInputs moved;
  moved.token_ids = token_ids.to(device);
  moved.token_weights = token_weights.to(device);
  if (reference_images.defined()) {
    moved.reference_images = reference_images.to(device);
    moved.reference_present = reference_present.to(device);
  }
  return moved;
}

Context ShotModelImpl::encode_context(const ContextInputs& inputs) {
  const auto batch = inputs.token_ids.size(0);
  const auto device = inputs.token_ids.device();
  torch::Tensor text = text_encoder->forward(inputs.token_ids);
  torch::Tensor weights = inputs.token_weights.to(torch::kFloat32);
  torch::Tensor text_bias = torch::log(weights.clamp_min(0.0))  // weight 0 or below → -inf (term removed)
                                .masked_fill(inputs.token_ids == kPadToken, kNegativeInfinity);
  torch::Tensor words;
  if (config.pooled_words) {
    // The words only: not the start token (in every prompt), not padding, not removed terms.
    torch::Tensor word_weights =
        weights.clamp_min(0.0).masked_fill((inputs.token_ids == kPadToken) | (inputs.token_ids == kStartToken), 0.0);
    torch::Tensor embeddings = text_encoder->token_embedding->forward(inputs.token_ids).to(torch::kFloat32);
    words = ((embeddings * word_weights.unsqueeze(-1)).sum(1) / word_weights.sum(1, true).clamp_min(1e-6))
                .to(text.scalar_type());
  }

  const int slots = config.max_references;
  const int groups = static_cast<int>(config.reference_groups.size());
  const int per_slot = groups * config.reference_tokens_per_group;
  if (slots == 0) return {text, text_bias, words};

  torch::Tensor reference_tokens, reference_bias;
  if (inputs.reference_images.defined()) {
    torch::Tensor images = inputs.reference_images.reshape({batch * slots, 3, kReferenceSize, kReferenceSize});
    reference_tokens = reference_encoder->forward(images).reshape({batch, slots * per_slot, -1});
    reference_bias = torch::zeros({batch, slots, groups}, weights.options())
                         .masked_fill(inputs.reference_present.logical_not(), kNegativeInfinity)
                         .unsqueeze(-1)
                         .expand({batch, slots, groups, config.reference_tokens_per_group})
                         .reshape({batch, slots * per_slot});
  } else {
    reference_tokens = torch::zeros({batch, slots * per_slot, config.text_width}, text.options());
    reference_bias = torch::full({batch, slots * per_slot}, kNegativeInfinity, weights.options());
  }
  return {torch::cat({text, reference_tokens.to(text.scalar_type())}, 1), torch::cat({text_bias, reference_bias}, 1).to(device),
          words};
}

torch::Tensor ShotModelImpl::forward(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond_frames,
                                     const torch::Tensor& cond_mask, const Context& context) {
  return denoiser->forward(x_t, t, cond_frames, cond_mask, context.tokens, context.bias, context.words);
}

std::pair<torch::Tensor, torch::Tensor> token_tensors(const std::vector<TokenizedPrompt>& prompts, int max_tokens) {
  const auto batch = static_cast<std::int64_t>(prompts.size());
  torch::Tensor ids = torch::full({batch, max_tokens}, kPadToken, torch::kLong);
  torch::Tensor weights = torch::ones({batch, max_tokens}, torch::kFloat32);
  auto id_access = ids.accessor<std::int64_t, 2>();
  auto weight_access = weights.accessor<float, 2>();
  for (std::int64_t i = 0; i < batch; ++i) {
    const TokenizedPrompt& prompt = prompts[static_cast<std::size_t>(i)];
    for (std::size_t j = 0; j < prompt.ids.size() && static_cast<int>(j) < max_tokens; ++j) {
      id_access[i][static_cast<std::int64_t>(j)] = prompt.ids[j];
      weight_access[i][static_cast<std::int64_t>(j)] = static_cast<float>(prompt.weights[j]);
    }
  }
  return {ids, weights};
}

std::vector<std::string> present_reference_groups(const torch::Tensor& context_bias_row, const ModelConfig& config) {
  torch::Tensor bias = context_bias_row.to(torch::kCPU, torch::kFloat32).contiguous();
  auto access = bias.accessor<float, 1>();
  std::vector<std::string> present;
  const int tokens = config.reference_tokens_per_group;
  for (int slot = 0; slot < config.max_references; ++slot)
    for (std::size_t g = 0; g < config.reference_groups.size(); ++g) {
      const auto first = config.max_tokens + (slot * static_cast<int>(config.reference_groups.size()) + static_cast<int>(g)) * tokens;
      bool any = false;
      for (int k = 0; k < tokens; ++k) any = any || std::isfinite(access[first + k]);
      if (any) present.push_back(std::to_string(slot) + ":" + config.reference_groups[g]);
    }
  return present;
}

void initialize_parameters(torch::nn::Module& model, InitMode mode, std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (const auto& item : model.named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor value = torch::empty(item.value().sizes(), torch::kFloat32);
    // adaLN-Zero, and the word path (so adding it to trained weights changes nothing at first).
    const bool adaln_zero = starts_with(name, "denoiser.final_linear.") || starts_with(name, "denoiser.word_embed.") ||
                            ends_with(name, ".modulation.weight") ||
                            ends_with(name, ".modulation.bias") || starts_with(name, "denoiser.final_modulation.");
    const bool is_norm = name.find("norm") != std::string::npos;
    if (is_norm) {
      value.fill_(ends_with(name, ".weight") ? 1.0 : 0.0);
    } else if (ends_with(name, "embedding") || ends_with(name, "embedding.weight")) {
      value.normal_(0.0, 0.02, generator);
    } else if (ends_with(name, ".bias")) {
      if (mode == InitMode::Random) value.uniform_(-0.02, 0.02, generator);
      else value.zero_();
    } else if (adaln_zero && mode == InitMode::Training) {
      value.zero_();
    } else if (ends_with(name, "latent_mean")) {
      value.zero_();  // measured after the autoencoder is trained
    } else if (ends_with(name, "latent_std")) {
      value.fill_(1.0);
    } else if (value.dim() == 4) {
      // Convolution [out, in, k, k]: Glorot's fans are in·k² and out·k² (a depthwise [C, 1, k, k]
      // sums k² inputs of its own channel: k² both ways), which keeps the activations' variance.
      const double taps = static_cast<double>(value.size(2) * value.size(3));
      const double fan_in = static_cast<double>(value.size(1)) * taps;
      const double fan_out = value.size(1) == 1 ? taps : static_cast<double>(value.size(0)) * taps;
      const double bound = std::sqrt(6.0 / (fan_in + fan_out));
      value.uniform_(-bound, bound, generator);
    } else {
      const double fan_out = static_cast<double>(value.size(0)), fan_in = static_cast<double>(value.size(1));
      const double bound = std::sqrt(6.0 / (fan_in + fan_out));
      value.uniform_(-bound, bound, generator);
    }
    item.value().copy_(value);
  }
}

std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace shotgen::engine
