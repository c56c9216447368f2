#include <gtest/gtest.h>

#include "engine/model/attention.h"
#include "engine/model/cpu_kernels.h"
#include "engine/model/shot_model.h"
#include "tiny_model.h"

using namespace shotgen::engine;

namespace {

double max_difference(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// q/k/v as [A, 1, L, H, d] views of packed [A, L, 3·H·d] projections, like the denoiser's.
struct Packed {
  torch::Tensor packed;
  std::int64_t heads, dim;
  torch::Tensor part(int index) const {
    return packed.view({packed.size(0), 1, packed.size(1), 3, heads, dim}).select(3, index);
  }
  // The generic layout [A, H, L, d].
  torch::Tensor heads_first(int index) const { return part(index).squeeze(1).transpose(1, 2); }
};

void expect_attention_matches_generic(std::int64_t length, bool with_bias) {
  torch::NoGradGuard no_grad;
  const std::int64_t samples = 3, heads = 2, dim = 8;
  Packed p{torch::randn({samples, length, 3 * heads * dim}), heads, dim};
  torch::Tensor bias;
  if (with_bias) {
    bias = torch::randn({samples, length});
    bias.select(1, length - 1).fill_(-std::numeric_limits<float>::infinity());  // a removed key
  }
  torch::Tensor out = torch::empty({samples, 1, length, heads, dim});
  multi_head_attention(p.part(0), p.part(1), p.part(2), bias, out);
  torch::Tensor expected = attention(p.heads_first(0), p.heads_first(1), p.heads_first(2),
                                     with_bias ? bias.view({samples, 1, 1, length}) : torch::Tensor());
  EXPECT_LT(max_difference(out.squeeze(1).transpose(1, 2), expected), 1e-5) << length << " " << with_bias;
}

}  // namespace

TEST(CpuKernels, AttentionMatchesTheGenericFormula) {
  expect_attention_matches_generic(8, false);     // loop kernel (temporal attention)
  expect_attention_matches_generic(8, true);
  expect_attention_matches_generic(300, false);   // BLAS blocks, two query chunks
  expect_attention_matches_generic(300, true);
}

TEST(CpuKernels, ParallelLinearMatchesTheLayer) {
  torch::NoGradGuard no_grad;
  torch::nn::Linear layer(24, 40);
  torch::Tensor x = torch::randn({3, 7, 100, 24});  // 700 rows per sample: several chunks, a remainder
  torch::Tensor y = parallel_linear(x, layer);
  EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{3, 7, 100, 40}));
  EXPECT_LT(max_difference(y, layer->forward(x)), 1e-5);
}

TEST(CpuKernels, WorkerThreadsRunWithTheCallersGradAndInferenceMode) {
  const int threads_before = at::get_num_threads();
  at::set_num_threads(2);
  torch::nn::Linear layer(24, 40);  // weights that require grad, as in training and evaluation
  torch::Tensor x = torch::randn({2, 4, 300, 24});
  {
    // Under no_grad the pieces on the second thread must not record autograd: an out= product
    // refuses weights that require grad when it does.
    torch::NoGradGuard no_grad;
    EXPECT_LT(max_difference(parallel_linear(x, layer), layer->forward(x)), 1e-5);
  }
  {
    // Under inference mode the pieces write the caller's inference tensors.
    c10::InferenceMode inference_mode;
    torch::Tensor xi = torch::randn({2, 4, 300, 24});
    EXPECT_LT(max_difference(parallel_linear(xi, layer), layer->forward(xi)), 1e-5);
  }
  at::set_num_threads(threads_before);
}

TEST(CpuKernels, OnlyForFloatCpuTensorsWithoutAutograd) {
  torch::Tensor x = torch::zeros({2, 2});
  EXPECT_FALSE(use_cpu_kernels(x));  // grad mode on: training keeps the generic path
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(use_cpu_kernels(x));
  EXPECT_FALSE(use_cpu_kernels(x.to(torch::kFloat64)));
}

TEST(CpuKernels, DenoiserInferenceMatchesTheGenericPathAndIgnoresTheBatch) {
  ModelConfig config = test_models::tiny_config();
  ShotModel model(config);
  initialize_parameters(*model, InitMode::Random, 5);
  model->eval();
  Tokenizer tokenizer(config.vocabulary, config.hash_buckets, config.max_tokens);
  std::vector<TokenizedPrompt> prompts{tokenizer.tokenize("green sky"), tokenizer.tokenize("(red:1.4) figure"),
                                       tokenizer.tokenize("painted")};
  auto [ids, weights] = token_tensors(prompts, config.max_tokens);
  torch::Tensor x = torch::randn({3, 3, 4, 16, 32});
  torch::Tensor frames = torch::randn({3, 3, 4, 16, 32});
  torch::Tensor mask = torch::zeros({3, 1, 4, 1, 1}, torch::kBool);
  mask.select(2, 0).fill_(true);
  torch::Tensor t = torch::tensor({0.3f, 0.6f, 0.9f});

  Context context = model->encode_context({ids, weights, {}, {}});
  torch::Tensor generic = model->forward(x, t, frames, mask, context).detach();  // grad mode: generic path
  c10::InferenceMode inference;
  Context context_inference = model->encode_context({ids, weights, {}, {}});
  torch::Tensor fast = model->forward(x, t, frames, mask, context_inference);
  EXPECT_LT(max_difference(fast, generic), 1e-4);
  // Row 1 alone gives exactly its row of the batch.
  Context one{context_inference.tokens.narrow(0, 1, 1), context_inference.bias.narrow(0, 1, 1)};
  torch::Tensor alone = model->forward(x.narrow(0, 1, 1), t.narrow(0, 1, 1), frames.narrow(0, 1, 1),
                                       mask.narrow(0, 1, 1), one);
  EXPECT_TRUE(torch::equal(alone, fast.narrow(0, 1, 1)));
}

TEST(CpuKernels, ModulatedLayerNormMatchesLayerNormThenModulation) {
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({3, 4, 10, 36}).mul(3).add(1);  // D = 36: vector lanes and a tail
  torch::Tensor shift = torch::randn({3, 36}), scale = torch::randn({3, 36});
  torch::Tensor expected = torch::nn::functional::layer_norm(
                               x, torch::nn::functional::LayerNormFuncOptions({36}).eps(1e-6)) *
                               (1 + scale.view({3, 1, 1, 36})) +
                           shift.view({3, 1, 1, 36});
  EXPECT_LT(max_difference(modulated_layer_norm(x, shift, scale), expected), 1e-5);
}
