#include "train/training_batch.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include "train/tiny_config.h"
#include "world/sample.h"

namespace shotgen::train {
namespace {

struct BatchFixture : ::testing::Test {
  engine::ModelConfig config = testing::tiny_model_config();
  engine::Tokenizer tokenizer{config.vocabulary, config.hash_buckets, config.max_tokens};
  BatchSpec spec{12, 4, {16, 16}, 0.5, 0.5, 7};
};

TEST_F(BatchFixture, ShapesAndRanges) {
  TrainingBatch batch = make_training_batch(config, tokenizer, spec, 11, 0);
  EXPECT_EQ(batch.clean.sizes(), (std::vector<std::int64_t>{12, 3, 4, 16, 16}));
  EXPECT_EQ(batch.noise.sizes(), batch.clean.sizes());
  EXPECT_GE(batch.clean.min().item<float>(), -1.0f);
  EXPECT_LE(batch.clean.max().item<float>(), 1.0f);
  EXPECT_GT(batch.t.min().item<float>(), 0.0f);
  EXPECT_LT(batch.t.max().item<float>(), 1.0f);
  EXPECT_EQ(batch.given.sizes(), (std::vector<std::int64_t>{12, 1, 4, 1, 1}));
  EXPECT_EQ(batch.context.token_ids.sizes(), (std::vector<std::int64_t>{12, config.max_tokens}));
  EXPECT_EQ(batch.context.reference_images.sizes(),
            (std::vector<std::int64_t>{12, config.max_references, 3, 32, 32}));
}

TEST_F(BatchFixture, UniformShareCoversThePureNoiseEnd) {
  // The first sampler steps start from t = 1: logit-normal alone hardly ever trains there.
  auto share_above = [&](double uniform_share, double level) {
    BatchSpec wide{400, 2, {16, 16}, 0.0, uniform_share, 3};
    TrainingBatch batch = make_training_batch(config, tokenizer, wide, 5, 0);
    return (batch.t > level).to(torch::kFloat32).mean().item<double>();
  };
  EXPECT_LT(share_above(0.0, 0.9), 0.04);  // logit-normal: P(t > 0.9) = 1.4 %
  const double uniform = share_above(1.0, 0.9);
  EXPECT_GT(uniform, 0.05);  // uniform: 10 %
  EXPECT_LT(uniform, 0.16);
  EXPECT_GT(share_above(0.5, 0.95), share_above(0.0, 0.95));
}

TEST_F(BatchFixture, SameArgumentsSameBatchAndTheStreamMovesOn) {
  TrainingBatch a = make_training_batch(config, tokenizer, spec, 11, 24);
  TrainingBatch b = make_training_batch(config, tokenizer, spec, 11, 24);
  TrainingBatch c = make_training_batch(config, tokenizer, spec, 11, 36);
  EXPECT_TRUE(torch::equal(a.clean, b.clean));
  EXPECT_TRUE(torch::equal(a.noise, b.noise));
  EXPECT_TRUE(torch::equal(a.context.token_ids, b.context.token_ids));
  EXPECT_FALSE(torch::equal(a.clean, c.clean));
  // Clip i of the stream is world::sample(mix_seed(seed, i)).
  world::WorldSample sample = world::sample(mix_seed(7, 25), 4, 16, 16);
  EXPECT_EQ(a.context.token_ids[1][0].item<std::int64_t>(), engine::kStartToken);
  EXPECT_TRUE(torch::equal(a.context.token_ids[1].slice(0, 0, static_cast<std::int64_t>(tokenizer.tokenize(sample.caption).ids.size())),
                           torch::tensor(tokenizer.tokenize(sample.caption).ids)));
  EXPECT_NEAR(a.clean[1][0][0][0][0].item<float>(), sample.clip.frames[0].rgb[0] / 127.5f - 1.0f, 1e-6);
}

TEST_F(BatchFixture, ClipsDrawnOnEveryCoreGiveTheSameBatchAsOnOne) {
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  TrainingBatch one = make_training_batch(config, tokenizer, spec, 11, 24);
  at::set_num_threads(4);  // more workers than this machine's cores: clips are split unevenly
  TrainingBatch four = make_training_batch(config, tokenizer, spec, 11, 24);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one.clean, four.clean));
  EXPECT_TRUE(torch::equal(one.context.token_ids, four.context.token_ids));
  EXPECT_TRUE(torch::equal(one.context.reference_images, four.context.reference_images));
  EXPECT_TRUE(torch::equal(one.context.reference_present, four.context.reference_present));
}

TEST_F(BatchFixture, ReferencesKeepOnlyTheirSharedGroupsAndConditioningGivesLeadingFrames) {
  spec.batch_size = 64;
  TrainingBatch batch = make_training_batch(config, tokenizer, spec, 3, 0);
  int with_reference = 0, conditioned = 0;
  for (int i = 0; i < spec.batch_size; ++i) {
    world::WorldSample sample = world::sample(mix_seed(spec.stream_seed, i), 4, 16, 16);
    torch::Tensor present = batch.context.reference_present[i];
    EXPECT_FALSE(present[1].any().item<bool>());  // only the first slot is used
    if (sample.reference && !sample.caption.empty()) {
      ++with_reference;
      EXPECT_EQ(present[0].sum().item<std::int64_t>(), static_cast<std::int64_t>(sample.reference->shared.size()));
      for (world::ReferenceDimension d : sample.reference->shared) {
        const auto& groups = config.reference_groups;
        const auto g = std::find(groups.begin(), groups.end(), std::string(world::word(d))) - groups.begin();
        EXPECT_TRUE(present[0][g].item<bool>());
      }
    } else {
      EXPECT_FALSE(present[0].any().item<bool>());  // the unconditional branch has no reference
    }
    torch::Tensor given = batch.given[i].flatten();
    const int count = static_cast<int>(given.sum().item<float>());
    EXPECT_LE(count, 2);
    if (count > 0) {
      ++conditioned;
      EXPECT_EQ(given[0].item<float>(), 1.0f);  // leading frames only
      EXPECT_EQ(given[3].item<float>(), 0.0f);
    }
  }
  EXPECT_EQ(batch.references, with_reference);
  EXPECT_GT(with_reference, 10);
  EXPECT_GT(conditioned, 16);  // p = 0.5 of 64
  EXPECT_LT(conditioned, 48);
}

TEST_F(BatchFixture, SizePerStepComesFromTheTrainedSizes) {
  config.trained_sizes = {{64, 32}, {32, 32}};
  int wide = 0;
  for (int step = 0; step < 100; ++step) {
    engine::FrameSize size = size_for_step(config, 1, step);
    EXPECT_TRUE(size == config.trained_sizes[0] || size == config.trained_sizes[1]);
    wide += size.width == 64;
    EXPECT_EQ(size, size_for_step(config, 1, step));
  }
  EXPECT_GT(wide, 25);
  EXPECT_LT(wide, 75);
}

}  // namespace
}  // namespace shotgen::train
