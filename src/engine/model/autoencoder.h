#pragma once
// The frame autoencoder of a latent model: each frame is encoded on its own into a latent grid
// `latent_factor` times smaller per side with `latent_channels` channels, the denoiser works on
// those latents, and the decoder draws the frames. Private to engine + train (exposes libtorch).
//
// Why a latent space: a pixel-space denoiser of this size spends its capacity on predicting
// per-pixel noise and samples speckled frames at the compute a CPU can give it; on latents it
// learns layout, colour and motion, and the decoder — trained once, on clean frames — draws the
// edges (measurements: docs/ENGINE.md).
//
// Both halves are convolutional and cheap at full resolution: the encoder starts with a 4×4
// space-to-depth (pixel unshuffle), the decoder ends with the inverse (pixel shuffle), so no
// convolution runs on the full-resolution grid.
//   factor 4: unshuffle(4) → stem 3×3 (48 → W) → res(W) ×2 → GN, SiLU → 1×1 (W → C)
//             3×3 (C → W) → res(W) ×3 → GN, SiLU → 3×3 (W → 48) → shuffle(4)
//   factor 8: unshuffle(4) → stem 3×3 (48 → W) → res(W) → 3×3 stride 2 (W → 2W) → res(2W) → GN,
//             SiLU → 1×1 (2W → C)
//             3×3 (C → 2W) → res(2W) ×2 → nearest ×2 → 3×3 (2W → W) → res(W) ×2 → GN, SiLU →
//             3×3 (W → 48) → shuffle(4)
// res(c) = x + conv3(SiLU(GN(conv3(SiLU(GN(x)))))), GroupNorm with 8 groups.
//
// Latents are normalised per channel with the statistics measured on world frames after the
// autoencoder was trained (latent_mean, latent_std, stored with the weights), so the diffusion
// noise (unit variance) matches the latents' scale.
//
// Safetensors names: autoencoder.encoder.*, autoencoder.decoder.*, autoencoder.latent_mean [C],
// autoencoder.latent_std [C].
#include <torch/torch.h>

#include "engine/model/config.h"

namespace shotgen::engine {

struct ResidualBlockImpl : torch::nn::Module {
  explicit ResidualBlockImpl(int channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
};
TORCH_MODULE(ResidualBlock);

struct FrameAutoencoderImpl : torch::nn::Module {
  explicit FrameAutoencoderImpl(const ModelConfig& config);

  // Frames [N,3,H,W] in [-1,1] (H, W multiples of the factor) → raw latents [N,C,H/f,W/f].
  torch::Tensor encode_raw(const torch::Tensor& frames);
  // Raw latents → frames [N,3,H,W] (not clamped).
  torch::Tensor decode_raw(const torch::Tensor& latents);

  // Clips [B,3,T,H,W] ⇄ normalised latents [B,C,T,H/f,W/f] (frames are coded one by one).
  torch::Tensor encode(const torch::Tensor& clips);
  torch::Tensor decode(const torch::Tensor& latents);

  // Sets latent_mean/latent_std from raw latents [N,C,h,w] of representative frames.
  void set_latent_statistics(const torch::Tensor& raw_latents);

  int factor, channels;
  torch::nn::Sequential encoder{nullptr}, decoder{nullptr};
  torch::Tensor latent_mean, latent_std;  // parameters without gradient
};
TORCH_MODULE(FrameAutoencoder);

}  // namespace shotgen::engine
