#include <gtest/gtest.h>

#include "engine/model/shot_model.h"
#include "tiny_model.h"

using namespace shotgen::engine;

namespace {

struct Fixture {
  ModelConfig config = test_models::tiny_config();
  ShotModel model{nullptr};
  Fixture() {
    config.window_frames = 8;
    model = ShotModel(config);
    initialize_parameters(*model, InitMode::Random, 3);
    model->eval();
  }
  Context context(std::int64_t batch) {
    Tokenizer tokenizer(config.vocabulary, config.hash_buckets, config.max_tokens);
    std::vector<TokenizedPrompt> prompts(static_cast<std::size_t>(batch), tokenizer.tokenize("green sky"));
    auto [ids, weights] = token_tensors(prompts, config.max_tokens);
    return model->encode_context({ids, weights, {}, {}});
  }
};

}  // namespace

TEST(Denoiser, ForwardShapesForSeveralLengthsAndSizes) {
  torch::NoGradGuard no_grad;
  Fixture f;
  for (int frames : {1, 5, 8})
    for (auto [width, height] : std::vector<std::pair<int, int>>{{32, 32}, {64, 32}, {48, 16}}) {
      const std::int64_t batch = 2;
      torch::Tensor x = torch::randn({batch, 3, frames, height, width});
      torch::Tensor mask = torch::zeros({batch, 1, frames, 1, 1});
      torch::Tensor v = f.model->forward(x, torch::full({batch}, 0.5), torch::zeros_like(x), mask, f.context(batch));
      EXPECT_EQ(v.sizes(), x.sizes()) << frames << " " << width << "x" << height;
      EXPECT_TRUE(torch::isfinite(v).all().item<bool>());
    }
}

TEST(Denoiser, TemporalAttentionCouplesFramesAndTimestepMatters) {
  torch::NoGradGuard no_grad;
  Fixture f;
  torch::Tensor x = torch::randn({1, 3, 4, 16, 16});
  torch::Tensor mask = torch::zeros({1, 1, 4, 1, 1});
  const Context context = f.context(1);
  torch::Tensor v = f.model->forward(x, torch::full({1}, 0.5), torch::zeros_like(x), mask, context);
  torch::Tensor changed = x.clone();
  changed.select(2, 0).add_(1.0);  // only frame 0 changes
  torch::Tensor v2 = f.model->forward(changed, torch::full({1}, 0.5), torch::zeros_like(x), mask, context);
  EXPECT_GT((v2.select(2, 3) - v.select(2, 3)).abs().max().item<double>(), 1e-6);  // frame 3 sees frame 0
  torch::Tensor v3 = f.model->forward(x, torch::full({1}, 0.9), torch::zeros_like(x), mask, context);
  EXPECT_GT((v3 - v).abs().max().item<double>(), 1e-6);
}

TEST(Denoiser, TrainingInitStartsAtZeroVelocity) {
  torch::NoGradGuard no_grad;
  Fixture f;
  initialize_parameters(*f.model, InitMode::Training, 5);
  torch::Tensor x = torch::randn({1, 3, 2, 16, 32});
  torch::Tensor v = f.model->forward(x, torch::full({1}, 0.3), torch::zeros_like(x), torch::zeros({1, 1, 2, 1, 1}),
                                     f.context(1));
  EXPECT_EQ(v.abs().max().item<double>(), 0.0);  // adaLN-Zero: gates and final layer start at zero
}

TEST(Denoiser, PromptWeightIsALogBiasAndZeroWeightRemovesTheToken) {
  torch::NoGradGuard no_grad;
  Fixture f;
  Tokenizer tokenizer(f.config.vocabulary, f.config.hash_buckets, f.config.max_tokens);
  auto [ids, weights] = token_tensors({tokenizer.tokenize("green (sky:1.5) (red:0)")}, f.config.max_tokens);
  const Context context = f.model->encode_context({ids, weights, {}, {}});
  EXPECT_FLOAT_EQ(context.bias[0][1].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(context.bias[0][2].item<float>(), std::log(1.5f));
  EXPECT_TRUE(std::isinf(context.bias[0][3].item<float>()));   // weight 0
  EXPECT_TRUE(std::isinf(context.bias[0][4].item<float>()));   // padding
  EXPECT_TRUE(std::isinf(context.bias[0][f.config.max_tokens].item<float>()));  // no reference
}

TEST(Denoiser, DepthwiseMixingIsAConvolutionOverEachFramesPatchGrid) {
  torch::NoGradGuard no_grad;
  Fixture f;
  DiTBlockImpl& block = *f.model->denoiser->blocks[0]->as<DiTBlock>();
  ASSERT_TRUE(block.mlp_depthwise);
  const std::int64_t b = 2, t = 3, gh = 4, gw = 5, c = block.mlp_depthwise->weight.size(0);
  torch::Tensor hidden = torch::randn({b, t, gh * gw, c});
  torch::Tensor mixed = block.mix_locally(hidden, gh, gw);
  // Reference: the convolution written out as sums over the 3×3 neighbourhood (zero outside the grid).
  torch::Tensor expected = torch::empty_like(hidden);
  auto weight = block.mlp_depthwise->weight.accessor<float, 4>();
  auto bias = block.mlp_depthwise->bias.accessor<float, 1>();
  auto in = hidden.accessor<float, 4>();
  auto out = expected.accessor<float, 4>();
  for (std::int64_t i = 0; i < b; ++i)
    for (std::int64_t j = 0; j < t; ++j)
      for (std::int64_t y = 0; y < gh; ++y)
        for (std::int64_t x = 0; x < gw; ++x)
          for (std::int64_t ch = 0; ch < c; ++ch) {
            double sum = bias[ch];
            for (int dy = -1; dy <= 1; ++dy)
              for (int dx = -1; dx <= 1; ++dx)
                if (y + dy >= 0 && y + dy < gh && x + dx >= 0 && x + dx < gw)
                  sum += weight[ch][0][dy + 1][dx + 1] * in[i][j][(y + dy) * gw + x + dx][ch];
            out[i][j][y * gw + x][ch] = static_cast<float>(sum);
          }
  EXPECT_LT((mixed - expected).abs().max().item<double>(), 1e-5);

  // Local: a change at one patch reaches its 3×3 neighbourhood in the same frame and nothing else.
  torch::Tensor poked = hidden.clone();
  poked[0][1][2 * gw + 2].add_(1.0);
  torch::Tensor changed = (block.mix_locally(poked, gh, gw) - mixed).abs().amax(-1);
  for (std::int64_t frame = 0; frame < t; ++frame)
    for (std::int64_t y = 0; y < gh; ++y)
      for (std::int64_t x = 0; x < gw; ++x) {
        const bool near = frame == 1 && std::abs(y - 2) <= 1 && std::abs(x - 2) <= 1;
        EXPECT_EQ(changed[0][frame][y * gw + x].item<double>() > 0.0, near) << frame << " " << y << " " << x;
      }
  EXPECT_EQ(changed[1].abs().max().item<double>(), 0.0);  // other clips in the batch are untouched
}

TEST(Denoiser, WithoutDepthwiseKernelTheMlpIsPointwise) {
  torch::NoGradGuard no_grad;
  ModelConfig config = test_models::tiny_config();
  config.mlp_depthwise_kernel = 0;
  ShotModel model(config);
  DiTBlockImpl& block = *model->denoiser->blocks[0]->as<DiTBlock>();
  EXPECT_FALSE(block.mlp_depthwise);
  torch::Tensor hidden = torch::randn({1, 2, 6, 8});
  EXPECT_TRUE(block.mix_locally(hidden, 2, 3).equal(hidden));
  for (const auto& item : model->named_parameters())
    EXPECT_EQ(item.key().find("mlp_depthwise"), std::string::npos) << item.key();
}

TEST(Denoiser, PooledWordsAreTheWeightedMeanOfTheWordsEmbeddings) {
  torch::NoGradGuard no_grad;
  ModelConfig config = test_models::tiny_config();
  config.pooled_words = true;
  ShotModel model(config);
  initialize_parameters(*model, InitMode::Random, 3);
  Tokenizer tokenizer(config.vocabulary, config.hash_buckets, config.max_tokens);
  auto [ids, weights] = token_tensors({tokenizer.tokenize("green (sky:3) (red:0)"), tokenizer.tokenize("")},
                                      config.max_tokens);
  const Context context = model->encode_context({ids, weights, {}, {}});
  const torch::Tensor embedding = model->text_encoder->token_embedding->weight;
  // (1·green + 3·sky) / 4: not the start token, not padding, not the removed "red".
  const torch::Tensor expected = (embedding[ids[0][1]] + 3 * embedding[ids[0][2]]) / 4;
  EXPECT_TRUE(torch::allclose(context.words[0], expected, 1e-5, 1e-6));
  EXPECT_EQ(context.words[1].abs().max().item<float>(), 0.0f);  // the empty prompt has no words
  EXPECT_FALSE(test_models::tiny_config().pooled_words);
  ShotModel without(test_models::tiny_config());
  EXPECT_FALSE(without->encode_context({ids, weights, {}, {}}).words.defined());
}

TEST(Denoiser, TheWordPathStartsAtZeroAndThenCarriesTheWords) {
  torch::NoGradGuard no_grad;
  ModelConfig config = test_models::tiny_config();
  ShotModel plain(config);
  initialize_parameters(*plain, InitMode::Random, 4);
  config.pooled_words = true;
  ShotModel with_words(config);
  initialize_parameters(*with_words, InitMode::Training, 4);  // word_embed zero, as when added to trained weights
  auto target = with_words->named_parameters();
  for (const auto& item : plain->named_parameters()) target[item.key()].copy_(item.value());
  plain->eval();
  with_words->eval();

  Tokenizer tokenizer(config.vocabulary, config.hash_buckets, config.max_tokens);
  auto [ids, weights] = token_tensors({tokenizer.tokenize("green sky")}, config.max_tokens);
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({1, 3, 2, 16, 32}), mask = torch::zeros({1, 1, 2, 1, 1});
  auto velocity = [&](ShotModel& model) {
    return model->forward(x, torch::full({1}, 0.7), torch::zeros_like(x), mask, model->encode_context({ids, weights, {}, {}}));
  };
  EXPECT_TRUE(torch::equal(velocity(plain), velocity(with_words)));  // zero-initialised: the same function
  target["denoiser.word_embed.weight"].normal_(0.0, 0.5);
  EXPECT_GT((velocity(plain) - velocity(with_words)).abs().max().item<double>(), 1e-4);
}
