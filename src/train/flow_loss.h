#pragma once
// The trainer's objective: rectified-flow velocity error over the frames that are not given, with
// an optional multiscale term.
//
// Why the multiscale term: plain MSE weighs every latent element alike, so the parts of a clip that
// live in its lowest frequencies — the grade's hue, the light's level, where the horizon sits — are
// a few elements' worth of the loss against thousands of texture elements. Measured on the v3.1
// model: palette words moved the decoded x̂0 at t = 1 by almost nothing and palette adherence sat at
// chance, while the same clips' textures were learnt. The term (as in Hoogeboom et al., "simple
// diffusion", 2023) adds the MSE of the error average-pooled over 4×4 latent blocks and over the whole
// frame, each normalised per pooled element, so a frame-wide colour error counts as much as the
// whole frame's texture error.
//
// Torch appears here because this is the trainer's own internal header (not part of the public API).
#include <torch/torch.h>

namespace shotgen::train {

struct FlowLoss {
  torch::Tensor total;  // what is optimised: mse + multiscale_weight · (pooled terms)
  torch::Tensor mse;    // the plain velocity MSE (the logged loss, comparable across runs)
};

// velocity, target: [B, C, T, H, W]; given: [B, 1, T, 1, 1] with 1 on given frames (excluded).
// cell_weight: [B, 1, T, H, W] per-cell weights (the figures', training_batch.h) or undefined; with
// it the per-cell term of `total` is Σ w·err² / Σ w over the counted cells and channels, so its scale
// stays the plain MSE's. multiscale_weight 0 and no cell_weight give total == mse.
FlowLoss flow_loss(const torch::Tensor& velocity, const torch::Tensor& target, const torch::Tensor& given,
                   double multiscale_weight, const torch::Tensor& cell_weight = {});

}  // namespace shotgen::train
