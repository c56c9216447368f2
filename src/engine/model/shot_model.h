#pragma once
// The whole network: text encoder + reference encoder + denoiser (+ the frame autoencoder of a
// latent model), and the assembly of the cross-attention context. Private to engine + train (exposes libtorch); the trainer builds on it.
//
// Context layout (fixed length, so a request's result does not depend on what else is in its batch):
//   [ max_tokens text tokens | reference slot 0: groups × tokens_per_group | slot 1 | … ]
// Context bias per token: text → ln(weight) (-inf for padding and weights ≤ 0); reference tokens →
// 0 when the slot holds a reference and the group is not ignored, -inf otherwise.
// Safetensors names: text_encoder.*, reference_encoder.*, denoiser.*, autoencoder.* (latent models
// only; see the sub-module headers).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/autoencoder.h"
#include "engine/model/config.h"
#include "engine/model/denoiser.h"
#include "engine/model/reference_encoder.h"
#include "engine/text/text_encoder.h"
#include "engine/text/tokenizer.h"

namespace shotgen::engine {

struct ContextInputs {
  torch::Tensor token_ids;         // [B, max_tokens] int64, padded with kPadToken
  torch::Tensor token_weights;     // [B, max_tokens] float (ignored at padding)
  torch::Tensor reference_images;  // [B, max_references, 3, 32, 32] in [0,1]; undefined = no references
  torch::Tensor reference_present; // [B, max_references, groups] bool (slot holds a reference and
                                   // the group is not ignored); undefined = no references

  // The same inputs on `device` (the references only when there are any).
  ContextInputs to(const torch::Device& device) const;
};

struct Context {
  torch::Tensor tokens;  // [B, context_length, text_width]
  torch::Tensor bias;    // [B, context_length] float: 0, ln w or -inf
  // [B, text_width]: the prompt's words pooled from their token embeddings, Σ wᵢ·eᵢ / Σ wᵢ over the
  // words of weight > 0 (zeros for an empty prompt); undefined without config.pooled_words.
  torch::Tensor words;
};

struct ShotModelImpl : torch::nn::Module {
  explicit ShotModelImpl(ModelConfig config);
  Context encode_context(const ContextInputs& inputs);
  // The denoiser on data-space clips (pixels or latents, see to_data): velocity of x_t.
  torch::Tensor forward(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond_frames,
                        const torch::Tensor& cond_mask, const Context& context);

  // Pixel clips [B,3,T,H,W] in [-1,1] ⇄ the space the denoiser works in: normalised latents
  // [B,C,T,H/f,W/f] for a latent model, the pixels themselves otherwise.
  torch::Tensor to_data(const torch::Tensor& pixels);
  torch::Tensor to_pixels(const torch::Tensor& data);
  // The data-space shape [C, T, h, w] of a clip of frames × height × width pixels.
  std::vector<std::int64_t> data_shape(int frames, int height, int width) const;

  ModelConfig config;
  TextEncoder text_encoder{nullptr};
  ReferenceEncoder reference_encoder{nullptr};
  Denoiser denoiser{nullptr};
  FrameAutoencoder autoencoder{nullptr};  // null for a pixel-space model
};
TORCH_MODULE(ShotModel);

// Tokenized prompts → ids [B, max_tokens] and weights [B, max_tokens] (CPU tensors).
std::pair<torch::Tensor, torch::Tensor> token_tensors(const std::vector<TokenizedPrompt>& prompts, int max_tokens);

// The reference slots whose tokens take part in cross-attention for one row of a context bias,
// as "<slot>:<group>" labels (e.g. "0:palette"), in context order.
std::vector<std::string> present_reference_groups(const torch::Tensor& context_bias_row, const ModelConfig& config);

enum class InitMode {
  Training,  // DiT recipe: Xavier linears, zero biases, adaLN-Zero (modulation and final layer zero)
  Random,    // every parameter random (tests: every path influences the output)
};
// Deterministic for a given seed, independent of torch's global RNG.
void initialize_parameters(torch::nn::Module& model, InitMode mode, std::uint64_t seed);

std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace shotgen::engine
