#pragma once
// Analytic FLOP count of one denoiser forward (the work of one denoise step), used to turn step
// times into achieved FLOP/s. Counts the matrix products only — every Linear (2·in·out per row)
// and both attention products (Q·Kᵀ and P·V: 2·Lq·Lk·d each per head) — and leaves out the
// element-wise work (LayerNorm, modulation, softmax, GELU, residuals), which is O(tokens·D) and
// under 2% of the products here. Cross-attention's K/V projection of the context is counted per
// forward, as the Python reference runs it.
#include <cstdint>

#include "engine/model/config.h"

namespace shotgen::bench {

// FLOPs of one denoiser forward over `rows` rows (branches × clips) of T×H×W clips.
double denoiser_forward_flops(const engine::ModelConfig& config, std::int64_t rows, int frames, int height, int width);

}  // namespace shotgen::bench
