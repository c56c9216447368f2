#pragma once
// The video denoiser: a DiT over space-time patches, predicting the rectified-flow velocity
// v = ε − x0 of a noisy clip. Private to engine + train (exposes libtorch).
//
// Input channels: the noisy clip x_t (C), the clean conditioning frames × mask (C) and the mask (1),
// where C = 3 for a pixel-space model and the latent's channels for a latent one (then "frames" and
// "patches" are latent frames and patches of the latent grid).
// Patchify (p × p, per frame) → tokens [B, T, h·w, D] + 2D sinusoidal spatial position + sinusoidal
// temporal position (so any T ≤ window and any H, W multiple of 16 work). Timestep t ∈ [0,1] →
// sinusoidal(1000·t) → MLP, plus the weighted mean of the context tokens → adaLN-Zero modulation.
// Each block: spatial self-attention within each frame, temporal self-attention across frames at
// each spatial location (frame consistency), cross-attention to the context (text tokens ++
// reference tokens), MLP (with mlp_depthwise_kernel > 0: fc1 → depthwise k×k convolution over the
// frame's patch grid → GELU → fc2, a local neighbourhood for every patch); each sub-layer is
// LayerNorm → (1+scale)·x+shift → layer → gate·residual.
//
// Prompt weights: the context bias (one value per context token) is added to every cross-attention
// logit of that key: 0 = normal, ln w for a token of weight w (its unnormalised attention mass is
// multiplied by w), -inf = absent (padding, ignored reference groups). The pooled context uses the
// same weights: Σ wᵢ·cᵢ / Σ wᵢ. With config.pooled_words the prompt's words pooled from their raw
// token embeddings (Context::words) join the conditioning through word_embed.
//
// Parameters: patch_embed, time_embed.{fc1,fc2}, pooled_embed, [word_embed,] context_norm,
// blocks.{i}.{modulation, spatial_attention.{qkv,out}, temporal_attention.{qkv,out},
// cross_attention.{q,kv,out}, mlp.{fc1,fc2}, mlp_depthwise (only with a kernel; weight [hidden,1,k,k])},
// final_modulation, final_linear (all .weight/.bias).
#include <torch/torch.h>

#include "engine/model/attention.h"
#include "engine/model/config.h"

namespace shotgen::engine {

inline constexpr int kFrequencyEmbeddingSize = 256;

// Sinusoidal embedding of `positions` (any shape) → [..., dim]: first half cos, second half sin,
// frequencies 10000^(-i/(dim/2)).
torch::Tensor sinusoidal_embedding(const torch::Tensor& positions, int dim);

struct DiTBlockImpl : torch::nn::Module {
  DiTBlockImpl(int dim, int heads, int hidden, int context_dim, int depthwise_kernel);
  // x [B, T, N, D] with N = grid_height · grid_width patches per frame (row-major); conditioning [B, D];
  // context [B, Lc, Dt]; context_bias [B, 1, 1, Lc].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& conditioning, const torch::Tensor& context,
                        const torch::Tensor& context_bias, std::int64_t grid_height, std::int64_t grid_width);
  // The same block on engine/model/cpu_kernels.h (float32 CPU inference): no head split/merge or
  // transpose copies, every product on torch's threads. x must be contiguous.
  torch::Tensor forward_cpu_inference(const torch::Tensor& x, const torch::Tensor& conditioning,
                                      const torch::Tensor& context, const torch::Tensor& context_bias,
                                      std::int64_t grid_height, std::int64_t grid_width);
  // The MLP's hidden activations [B, T, N, hidden] after the depthwise convolution (unchanged without one).
  torch::Tensor mix_locally(const torch::Tensor& hidden, std::int64_t grid_height, std::int64_t grid_width) const;
  torch::nn::Linear modulation{nullptr};
  SelfAttention spatial_attention{nullptr}, temporal_attention{nullptr};
  CrossAttention cross_attention{nullptr};
  Mlp mlp{nullptr};
  torch::nn::Conv2d mlp_depthwise{nullptr};  // null without a depthwise kernel
};
TORCH_MODULE(DiTBlock);

struct DenoiserImpl : torch::nn::Module {
  explicit DenoiserImpl(const ModelConfig& config);
  // x_t, cond_frames [B,C,T,H,W]; cond_mask [B,1,T,1,1] (1 = frame given); t [B] in [0,1];
  // context [B, Lc, text_width]; context_bias [B, Lc]; words [B, text_width] (used only with a
  // word_embed) → velocity [B,C,T,H,W].
  torch::Tensor forward(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond_frames,
                        const torch::Tensor& cond_mask, const torch::Tensor& context,
                        const torch::Tensor& context_bias, const torch::Tensor& words);

  int patch, dim;
  int channels;  // of the data it denoises: 3 (RGB) or the latent's
  torch::nn::Linear patch_embed{nullptr};
  torch::nn::Sequential time_embed{nullptr};
  torch::nn::Linear pooled_embed{nullptr};
  torch::nn::Linear word_embed{nullptr};  // null without config.pooled_words
  torch::nn::LayerNorm context_norm{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::Linear final_modulation{nullptr}, final_linear{nullptr};
};
TORCH_MODULE(Denoiser);

}  // namespace shotgen::engine
