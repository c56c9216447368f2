#include "engine/model/denoiser.h"

#include <cmath>

#include "engine/model/cpu_kernels.h"

namespace shotgen::engine {
namespace {

namespace F = torch::nn::functional;

torch::Tensor layer_norm(const torch::Tensor& x) {
  return F::layer_norm(x, F::LayerNormFuncOptions({x.size(-1)}).eps(1e-6));
}

// x [B,T,N,D]; shift/scale [B,D] → broadcast over T, N.
torch::Tensor modulate(const torch::Tensor& x, const torch::Tensor& shift, const torch::Tensor& scale) {
  return layer_norm(x) * (1 + scale.unsqueeze(1).unsqueeze(1)) + shift.unsqueeze(1).unsqueeze(1);
}

torch::Tensor gated(const torch::Tensor& gate, const torch::Tensor& y) { return gate.unsqueeze(1).unsqueeze(1) * y; }

// [h·w, D]: first half of the channels encode the row, second half the column.
torch::Tensor spatial_positions(int h, int w, int dim, const torch::TensorOptions& options) {
  torch::Tensor rows = torch::arange(h, options).view({h, 1}).expand({h, w}).reshape({h * w});
  torch::Tensor cols = torch::arange(w, options).view({1, w}).expand({h, w}).reshape({h * w});
  return torch::cat({sinusoidal_embedding(rows, dim / 2), sinusoidal_embedding(cols, dim / 2)}, 1);
}

}  // namespace

torch::Tensor sinusoidal_embedding(const torch::Tensor& positions, int dim) {
  const int half = dim / 2;
  auto options = positions.options().dtype(torch::kFloat32);
  torch::Tensor frequencies = torch::exp(torch::arange(half, options) * (-std::log(10000.0) / half));
  torch::Tensor angles = positions.to(torch::kFloat32).unsqueeze(-1) * frequencies;
  return torch::cat({torch::cos(angles), torch::sin(angles)}, -1);
}

DiTBlockImpl::DiTBlockImpl(int dim, int heads, int hidden, int context_dim, int depthwise_kernel) {
  modulation = register_module("modulation", torch::nn::Linear(dim, 12 * dim));
  spatial_attention = register_module("spatial_attention", SelfAttention(dim, heads));
  temporal_attention = register_module("temporal_attention", SelfAttention(dim, heads));
  cross_attention = register_module("cross_attention", CrossAttention(dim, context_dim, heads));
  mlp = register_module("mlp", Mlp(dim, hidden));
  if (depthwise_kernel > 0)
    mlp_depthwise = register_module(
        "mlp_depthwise",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(hidden, hidden, depthwise_kernel).groups(hidden)));
}

torch::Tensor DiTBlockImpl::mix_locally(const torch::Tensor& hidden, std::int64_t grid_height,
                                        std::int64_t grid_width) const {
  if (!mlp_depthwise) return hidden;
  const auto b = hidden.size(0), t = hidden.size(1), c = hidden.size(3);
  // The permuted view is channels-last in memory, so torch runs its channels-last depthwise kernel and
  // returns channels-last: no layout copy either way. Zero padding: past the frame edge is "nothing".
  torch::Tensor grid = hidden.reshape({b * t, grid_height, grid_width, c}).permute({0, 3, 1, 2});
  const std::int64_t pad = mlp_depthwise->weight.size(2) / 2;
  torch::Tensor mixed = torch::conv2d(grid, mlp_depthwise->weight.to(hidden.scalar_type()),
                                      mlp_depthwise->bias.to(hidden.scalar_type()), 1, pad, 1, c);
  return mixed.permute({0, 2, 3, 1}).reshape({b, t, grid_height * grid_width, c});
}

torch::Tensor DiTBlockImpl::forward(const torch::Tensor& x_in, const torch::Tensor& conditioning,
                                    const torch::Tensor& context, const torch::Tensor& context_bias,
                                    std::int64_t grid_height, std::int64_t grid_width) {
  const auto b = x_in.size(0), t = x_in.size(1), n = x_in.size(2), d = x_in.size(3);
  // Chunks: spatial (shift, scale, gate), temporal (…), cross (…), mlp (…).
  auto m = modulation->forward(torch::silu(conditioning)).chunk(12, 1);
  torch::Tensor x = x_in;

  torch::Tensor h = modulate(x, m[0], m[1]).reshape({b * t, n, d});
  x = x + gated(m[2], spatial_attention->forward(h).view({b, t, n, d}));

  h = modulate(x, m[3], m[4]).transpose(1, 2).reshape({b * n, t, d});
  x = x + gated(m[5], temporal_attention->forward(h).view({b, n, t, d}).transpose(1, 2));

  h = modulate(x, m[6], m[7]).reshape({b, t * n, d});
  x = x + gated(m[8], cross_attention->forward(h, context, context_bias).view({b, t, n, d}));

  torch::Tensor hidden = mix_locally(mlp->fc1->forward(modulate(x, m[9], m[10])), grid_height, grid_width);
  return x + gated(m[11], mlp->fc2->forward(torch::gelu(hidden)));
}

torch::Tensor DiTBlockImpl::forward_cpu_inference(const torch::Tensor& x_in, const torch::Tensor& conditioning,
                                                  const torch::Tensor& context, const torch::Tensor& context_bias,
                                                  std::int64_t grid_height, std::int64_t grid_width) {
  const auto b = x_in.size(0), t = x_in.size(1), n = x_in.size(2), d = x_in.size(3);
  const std::int64_t heads = spatial_attention->heads, head_dim = d / heads;
  auto m = parallel_linear(torch::silu(conditioning), modulation).chunk(12, 1);
  auto modulated = [&](const torch::Tensor& x, int shift, int scale) {
    return modulated_layer_norm(x, m[shift], m[scale]);
  };
  auto gate = [&](int index) { return m[index].view({b, 1, 1, d}); };
  // q, k or v of a packed [b, t, n, 3d] projection as [b, t, n, heads, head_dim].
  auto part = [&](const torch::Tensor& packed, int index) {
    return packed.view({b, t, n, 3, heads, head_dim}).select(3, index);
  };
  torch::Tensor attended = torch::empty({b, t, n, d}, x_in.options());
  torch::Tensor by_head = attended.view({b, t, n, heads, head_dim});

  // Spatial: sequences are the frames (A = b, B = t, L = n).
  torch::Tensor qkv = parallel_linear(modulated(x_in, 0, 1), spatial_attention->qkv);
  multi_head_attention(part(qkv, 0), part(qkv, 1), part(qkv, 2), {}, by_head);
  torch::Tensor x = torch::addcmul(x_in, gate(2), parallel_linear(attended, spatial_attention->out));

  // Temporal: sequences run across frames at each patch (A = b, B = n, L = t), read in place.
  qkv = parallel_linear(modulated(x, 3, 4), temporal_attention->qkv);
  auto across = [](const torch::Tensor& v) { return v.transpose(1, 2); };
  torch::Tensor by_head_across = across(by_head);
  multi_head_attention(across(part(qkv, 0)), across(part(qkv, 1)), across(part(qkv, 2)), {}, by_head_across);
  x.addcmul_(gate(5), parallel_linear(attended, temporal_attention->out));

  // Cross: one sequence of t·n queries per row against the context.
  torch::Tensor q = parallel_linear(modulated(x, 6, 7), cross_attention->q).view({b, 1, t * n, heads, head_dim});
  const auto lc = context.size(1);
  torch::Tensor kv = parallel_linear(context, cross_attention->kv).view({b, 1, lc, 2, heads, head_dim});
  torch::Tensor by_head_flat = attended.view({b, 1, t * n, heads, head_dim});
  multi_head_attention(q, kv.select(3, 0), kv.select(3, 1), context_bias.view({b, lc}).contiguous(), by_head_flat);
  x.addcmul_(gate(8), parallel_linear(attended, cross_attention->out));

  torch::Tensor hidden = mix_locally(parallel_linear(modulated(x, 9, 10), mlp->fc1), grid_height, grid_width);
  return x.addcmul_(gate(11), parallel_linear(torch::gelu(hidden), mlp->fc2));
}

DenoiserImpl::DenoiserImpl(const ModelConfig& config)
    : patch(config.patch_size), dim(config.width), channels(config.data_channels()) {
  const int hidden = static_cast<int>(config.width * config.mlp_ratio);
  // Input: x_t (channels) + given frames × mask (channels) + the mask (1).
  patch_embed = register_module("patch_embed", torch::nn::Linear((2 * channels + 1) * patch * patch, dim));
  time_embed = register_module("time_embed", torch::nn::Sequential());
  time_embed->push_back("fc1", torch::nn::Linear(kFrequencyEmbeddingSize, dim));
  time_embed->push_back("act", torch::nn::SiLU());
  time_embed->push_back("fc2", torch::nn::Linear(dim, dim));
  pooled_embed = register_module("pooled_embed", torch::nn::Linear(config.text_width, dim));
  if (config.pooled_words) word_embed = register_module("word_embed", torch::nn::Linear(config.text_width, dim));
  context_norm = register_module("context_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.text_width})));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int i = 0; i < config.depth; ++i) blocks->push_back(DiTBlock(dim, config.heads, hidden, config.text_width, config.mlp_depthwise_kernel));
  final_modulation = register_module("final_modulation", torch::nn::Linear(dim, 2 * dim));
  final_linear = register_module("final_linear", torch::nn::Linear(dim, channels * patch * patch));
}

torch::Tensor DenoiserImpl::forward(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond_frames,
                                    const torch::Tensor& cond_mask, const torch::Tensor& context_in,
                                    const torch::Tensor& context_bias, const torch::Tensor& words) {
  const auto b = x_t.size(0), frames = x_t.size(2), height = x_t.size(3), width = x_t.size(4);
  const auto h = height / patch, w = width / patch, n = h * w;
  torch::Tensor mask = cond_mask.to(x_t.scalar_type()).expand({b, 1, frames, height, width});
  torch::Tensor input = torch::cat({x_t, cond_frames * mask, mask}, 1);  // [B,2C+1,T,H,W]

  // Patchify: [B,C,T,h,p,w,p] → [B,T,h,w,C,p,p] → [B,T,N,C·p·p].
  const auto c = input.size(1);
  torch::Tensor tokens = input.view({b, c, frames, h, patch, w, patch})
                             .permute({0, 2, 3, 5, 1, 4, 6})
                             .reshape({b, frames, n, c * patch * patch});
  torch::Tensor x = use_cpu_kernels(tokens) ? parallel_linear(tokens, patch_embed) : patch_embed->forward(tokens);
  auto float_options = x_t.options().dtype(torch::kFloat32);
  torch::Tensor positions = spatial_positions(static_cast<int>(h), static_cast<int>(w), dim, float_options).view({1, 1, n, dim}) +
                            sinusoidal_embedding(torch::arange(frames, float_options), dim).view({1, frames, 1, dim});
  x = x + positions.to(x.scalar_type());

  torch::Tensor context = context_norm->forward(context_in);
  // Pooled context with the prompt weights: exp(bias) is the token's weight (0 when absent).
  torch::Tensor token_weights = torch::exp(context_bias.to(torch::kFloat32));
  torch::Tensor pooled = (context.to(torch::kFloat32) * token_weights.unsqueeze(-1)).sum(1) /
                         token_weights.sum(1, true).clamp_min(1e-6);
  const bool cpu_kernels = use_cpu_kernels(x);  // x is contiguous here (patch embedding + positions)
  // On the CPU kernels every per-sample product runs one sample per call, so its shape (and
  // OpenBLAS's kernel choice) never depends on the batch.
  auto linear = [cpu_kernels](const torch::Tensor& input, torch::nn::Linear layer) {
    return cpu_kernels ? parallel_linear(input.contiguous(), layer) : layer->forward(input);
  };
  torch::Tensor frequencies = sinusoidal_embedding(t * 1000.0, kFrequencyEmbeddingSize).to(x.scalar_type());
  torch::nn::Linear time_fc1(time_embed->ptr<torch::nn::LinearImpl>(0));
  torch::nn::Linear time_fc2(time_embed->ptr<torch::nn::LinearImpl>(2));
  torch::Tensor time = linear(torch::silu(linear(frequencies, time_fc1)), time_fc2);
  torch::Tensor conditioning = time + linear(pooled.to(context.scalar_type()), pooled_embed);
  if (word_embed) {
    if (!words.defined()) throw std::invalid_argument("a model with pooled_words needs the context's words");
    conditioning = conditioning + linear(words.to(context.scalar_type()), word_embed);
  }

  torch::Tensor attention_bias = context_bias.view({b, 1, 1, context_bias.size(1)});
  for (const auto& block : *blocks) {
    DiTBlockImpl& dit = *block->as<DiTBlock>();
    x = cpu_kernels ? dit.forward_cpu_inference(x, conditioning, context, attention_bias, h, w)
                    : dit.forward(x, conditioning, context, attention_bias, h, w);
  }

  auto final_mod = linear(torch::silu(conditioning), final_modulation).chunk(2, 1);
  torch::Tensor modulated = cpu_kernels ? modulated_layer_norm(x, final_mod[0], final_mod[1])
                                        : modulate(x, final_mod[0], final_mod[1]);
  torch::Tensor out = cpu_kernels ? parallel_linear(modulated, final_linear) : final_linear->forward(modulated);  // [B,T,N,C·p·p]
  // Unpatchify: [B,T,h,w,C,p,p] → [B,C,T,h,p,w,p].
  return out.view({b, frames, h, w, channels, patch, patch})
      .permute({0, 4, 1, 2, 5, 3, 6})
      .reshape({b, channels, frames, height, width});
}

}  // namespace shotgen::engine
