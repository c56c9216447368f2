#include "model_flops.h"

namespace shotgen::bench {
namespace {

double linear(double rows, double in, double out) { return 2.0 * rows * in * out; }
// Q·Kᵀ and P·V over all heads: 2 products of 2·Lq·Lk·(D/heads) per head → 4·Lq·Lk·D.
double attention(double sequences, double queries, double keys, double dim) { return sequences * 4.0 * queries * keys * dim; }

}  // namespace

double denoiser_forward_flops(const engine::ModelConfig& config, std::int64_t rows_in, int frames, int height, int width) {
  const double rows = static_cast<double>(rows_in);
  // A latent model's denoiser runs on the latent grid (its frame autoencoder is not counted).
  const double f = config.is_latent() ? config.latent_factor : 1, c = config.data_channels();
  const double p = config.patch_size, d = config.width, dt = config.text_width;
  const double hidden = static_cast<double>(static_cast<int>(config.width * config.mlp_ratio));
  const double n = (height / f / p) * (width / f / p), t = frames, tokens = rows * t * n;
  const double context = config.context_length();

  double flops = linear(tokens, (2 * c + 1) * p * p, d);                    // patch_embed
  flops += linear(rows, 256, d) + linear(rows, d, d) + linear(rows, dt, d);  // time_embed, pooled_embed
  double block = linear(rows, d, 12 * d);                                   // modulation
  block += linear(tokens, d, 3 * d) + attention(rows * t, n, n, d) + linear(tokens, d, d);  // spatial
  block += linear(tokens, d, 3 * d) + attention(rows * n, t, t, d) + linear(tokens, d, d);  // temporal
  block += linear(tokens, d, d) + linear(rows * context, dt, 2 * d) + attention(rows, t * n, context, d) +
           linear(tokens, d, d);                                             // cross
  block += linear(tokens, d, hidden) + linear(tokens, hidden, d);            // mlp
  flops += config.depth * block;
  flops += linear(rows, d, 2 * d) + linear(tokens, d, c * p * p);          // final modulation, linear
  return flops;
}

}  // namespace shotgen::bench
