#pragma once
// Multi-head attention building blocks shared by the text encoder and the denoiser.
// Private to engine + train (exposes libtorch).
#include <torch/torch.h>

namespace shotgen::engine {

// softmax(q·kᵀ/√d + bias)·v over the last two dims. q [S,H,Lq,d], k/v [S,H,Lk,d]; bias is undefined
// or broadcastable to [S,H,Lq,Lk] (0 keeps a key, -inf removes it, ln w multiplies its
// unnormalised attention mass by w). Uses the fused at::scaled_dot_product_attention where libtorch
// has it (≥ 2.0), the explicit formula otherwise.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& bias);

// Self-attention over the middle dim of [S, L, D]; bias as in attention() ([S,1,1,L] for masks).
struct SelfAttentionImpl : torch::nn::Module {
  SelfAttentionImpl(int dim, int heads);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias = {});
  int heads;
  torch::nn::Linear qkv{nullptr}, out{nullptr};
};
TORCH_MODULE(SelfAttention);

// Queries from x [S, L, D], keys/values from context [S, Lc, Dc]; bias [S,1,1,Lc].
struct CrossAttentionImpl : torch::nn::Module {
  CrossAttentionImpl(int dim, int context_dim, int heads);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, const torch::Tensor& bias);
  int heads;
  torch::nn::Linear q{nullptr}, kv{nullptr}, out{nullptr};
};
TORCH_MODULE(CrossAttention);

// Two-layer GELU MLP: fc1 (dim → hidden), fc2 (hidden → dim).
struct MlpImpl : torch::nn::Module {
  MlpImpl(int dim, int hidden);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace shotgen::engine
