#include "engine/model/attention.h"

#include <torch/version.h>

#include <cmath>

namespace shotgen::engine {
namespace {

#if TORCH_VERSION_MAJOR < 2
constexpr std::int64_t kShortSequence = 16;
#endif

// [S, L, H*d] → [S, H, L, d]
torch::Tensor split_heads(const torch::Tensor& x, int heads) {
  const auto s = x.size(0), l = x.size(1), d = x.size(2) / heads;
  return x.view({s, l, heads, d}).transpose(1, 2);
}

// [S, H, L, d] → [S, L, H*d]
torch::Tensor merge_heads(const torch::Tensor& x) {
  const auto s = x.size(0), h = x.size(1), l = x.size(2), d = x.size(3);
  return x.transpose(1, 2).reshape({s, l, h * d});
}

}  // namespace

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& bias) {
#if TORCH_VERSION_MAJOR >= 2
  if (bias.defined()) return at::scaled_dot_product_attention(q, k, v, bias.to(q.scalar_type()), 0.0, false);
  return at::scaled_dot_product_attention(q, k, v, {}, 0.0, false);
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  if (q.size(-2) <= kShortSequence && k.size(-2) <= kShortSequence) {
    // Temporal attention: thousands of tiny T×T products, which libtorch 1.13's bmm runs one at a
    // time (slow). Accumulating them as element-wise multiply-adds is several times faster and,
    // unlike a broadcast .sum(), rounds every row the same way wherever it sits in the batch
    // (bit-identical results alone or batched).
    const torch::Tensor q_by_channel = q.movedim(-1, 0).contiguous();  // [d, S, H, Lq]
    const torch::Tensor k_by_channel = k.movedim(-1, 0).contiguous();  // [d, S, H, Lk]
    auto score_sizes = q.sizes().vec();
    score_sizes.back() = k.size(-2);
    torch::Tensor scores = torch::zeros(score_sizes, q.options());
    for (std::int64_t c = 0; c < q.size(-1); ++c)
      scores.addcmul_(q_by_channel[c].unsqueeze(-1), k_by_channel[c].unsqueeze(-2));
    scores.mul_(scale);
    if (bias.defined()) scores.add_(bias.to(scores.scalar_type()));
    const torch::Tensor weights_by_key = torch::softmax(scores, -1).movedim(-1, 0).contiguous();  // [Lk, S, H, Lq]
    const torch::Tensor v_by_key = v.movedim(-2, 0).contiguous();                                  // [Lk, S, H, d]
    torch::Tensor out = torch::zeros(q.sizes(), q.options());
    for (std::int64_t j = 0; j < k.size(-2); ++j) out.addcmul_(weights_by_key[j].unsqueeze(-1), v_by_key[j].unsqueeze(-2));
    return out;
  }
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)).mul_(scale);
  if (bias.defined()) scores.add_(bias.to(scores.scalar_type()));
  return torch::matmul(torch::softmax(scores, -1), v);
#endif
}

SelfAttentionImpl::SelfAttentionImpl(int dim, int heads_) : heads(heads_) {
  qkv = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
  out = register_module("out", torch::nn::Linear(dim, dim));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& bias) {
  auto parts = qkv->forward(x).chunk(3, -1);
  torch::Tensor y = attention(split_heads(parts[0], heads), split_heads(parts[1], heads),
                              split_heads(parts[2], heads), bias);
  return out->forward(merge_heads(y));
}

CrossAttentionImpl::CrossAttentionImpl(int dim, int context_dim, int heads_) : heads(heads_) {
  q = register_module("q", torch::nn::Linear(dim, dim));
  kv = register_module("kv", torch::nn::Linear(context_dim, 2 * dim));
  out = register_module("out", torch::nn::Linear(dim, dim));
}

torch::Tensor CrossAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context,
                                          const torch::Tensor& bias) {
  auto keys_values = kv->forward(context).chunk(2, -1);
  torch::Tensor y = attention(split_heads(q->forward(x), heads), split_heads(keys_values[0], heads),
                              split_heads(keys_values[1], heads), bias);
  return out->forward(merge_heads(y));
}

MlpImpl::MlpImpl(int dim, int hidden) {
  fc1 = register_module("fc1", torch::nn::Linear(dim, hidden));
  fc2 = register_module("fc2", torch::nn::Linear(hidden, dim));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) { return fc2->forward(torch::gelu(fc1->forward(x))); }

}  // namespace shotgen::engine
