#include "train/training_batch.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/text/tokenizer.h"
#include "train/tiny_config.h"
#include "world/sample.h"

namespace shotgen::train {
namespace {

struct BatchFixture : ::testing::Test {
  engine::ModelConfig config = testing::tiny_model_config();
  engine::Tokenizer tokenizer{config.vocabulary, config.hash_buckets, config.max_tokens};
  BatchSpec spec{12, 4, {16, 16}, 0.5, 0.5, 7};
  // The batch of `batch_spec` from the same seed (5) and first clip (0) as the others it is compared with.
  TrainingBatch batch_of(const BatchSpec& batch_spec) const {
    return make_training_batch(config, tokenizer, batch_spec, 5, 0);
  }
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
    TrainingBatch batch = batch_of(wide);
    return (batch.t > level).to(torch::kFloat32).mean().item<double>();
  };
  EXPECT_LT(share_above(0.0, 0.9), 0.04);  // logit-normal: P(t > 0.9) = 1.4 %
  const double uniform = share_above(1.0, 0.9);
  EXPECT_GT(uniform, 0.05);  // uniform: 10 %
  EXPECT_LT(uniform, 0.16);
  EXPECT_GT(share_above(0.5, 0.95), share_above(0.0, 0.95));
}

TEST_F(BatchFixture, TimeShiftMovesTheSameDrawsTowardsPureNoise) {
  BatchSpec plain{400, 2, {16, 16}, 0.0, 0.5, 3};
  BatchSpec shifted = plain;
  shifted.time_shift = 3.0;
  const torch::Tensor t = batch_of(plain).t;
  const torch::Tensor t3 = batch_of(shifted).t;
  // The same draws, each mapped as the sampler's schedule maps its steps.
  EXPECT_TRUE(torch::allclose(t3, 3.0 * t / (1.0 + 2.0 * t), 1e-6, 1e-6));
  EXPECT_LT(t3.max().item<float>(), 1.0f);
  auto share_above = [](const torch::Tensor& times, double level) {
    return (times > level).to(torch::kFloat32).mean().item<double>();
  };
  EXPECT_GT(share_above(t3, 0.9), 2.0 * share_above(t, 0.9));
}

TEST_F(BatchFixture, OffsetNoiseIsOneConstantPerClipAndChannelOnTheSameDraws) {
  BatchSpec plain{64, 4, {16, 16}, 0.5, 0.5, 3};
  BatchSpec offset = plain;
  offset.offset_noise = 0.5;
  const TrainingBatch a = batch_of(plain);
  const TrainingBatch b = batch_of(offset);
  // Everything else is drawn as without the option.
  EXPECT_TRUE(torch::equal(a.t, b.t));
  EXPECT_TRUE(torch::equal(a.given, b.given));
  EXPECT_TRUE(torch::equal(a.clean, b.clean));
  const torch::Tensor added = b.noise - a.noise;  // [B,C,T,H,W]
  // One value per clip and channel, the same on every frame and pixel…
  const torch::Tensor per_channel = added.amax({2, 3, 4}) - added.amin({2, 3, 4});
  EXPECT_LT(per_channel.max().item<float>(), 1e-5f);
  // …drawn with std 0.5 (64 × 3 draws), and different between clips and channels.
  const torch::Tensor values = added.select(2, 0).select(2, 0).select(2, 0);
  EXPECT_NEAR(values.std().item<double>(), 0.5, 0.1);
  EXPECT_GT(std::get<0>(torch::unique_dim(values.flatten(), 0)).numel(), 150);
  // Without an offset the clip mean of ε is tiny: the clip's colours show through the noise.
  EXPECT_LT(a.noise.mean({2, 3, 4}).abs().max().item<float>(), 0.2f);
}

TEST_F(BatchFixture, FrameNoiseCorrelationSharesNoiseAcrossFramesAndKeepsUnitVariance) {
  BatchSpec plain{64, 4, {16, 16}, 0.5, 0.5, 3};
  plain.offset_noise = 0.3;
  BatchSpec correlated = plain;
  correlated.frame_noise_correlation = 0.5;
  const TrainingBatch a = batch_of(plain);
  const TrainingBatch b = batch_of(correlated);
  EXPECT_TRUE(torch::equal(a.t, b.t));
  EXPECT_TRUE(torch::equal(a.given, b.given));
  EXPECT_TRUE(torch::equal(a.clean, b.clean));
  // Correlation between frames' noise at the same pixel, the offset taken out (it is constant over
  // frames and pixels, so the per-clip-and-channel mean removes it).
  auto frame_correlation = [](const torch::Tensor& noise) {
    const torch::Tensor centred = noise - noise.mean({2, 3, 4}, true);
    const torch::Tensor f0 = centred.select(2, 0), f1 = centred.select(2, 1);
    return ((f0 * f1).mean() / (f0.std() * f1.std())).item<double>();
  };
  EXPECT_NEAR(frame_correlation(a.noise), 0.0, 0.05);
  EXPECT_NEAR(frame_correlation(b.noise), 0.5, 0.05);
  // Each frame is still unit noise (the offset's 0.3 std on top).
  const torch::Tensor per_frame = b.noise - b.noise.mean({2, 3, 4}, true);
  EXPECT_NEAR(per_frame.std().item<double>(), 1.0, 0.05);
  // The offset is the same draw as without the correlation: the clips' channel means agree.
  EXPECT_LT((a.noise.mean({2, 3, 4}) - b.noise.mean({2, 3, 4})).abs().max().item<float>(), 0.25f);
  EXPECT_GT(a.noise.mean({2, 3, 4}).std().item<double>(), 0.2);
}

// Correlation of two zero-mean noise fields (their values paired).
double correlation(const torch::Tensor& x, const torch::Tensor& y) {
  return ((x * y).mean() / (x.std() * y.std())).item<double>();
}

// 48 clips of 4 frames at 32×32 (every camera move among them), half of each clip's noise shared by
// its frames and moving with its camera.
BatchSpec moving_shared_noise_spec() {
  BatchSpec spec{48, 4, {32, 32}, 0.5, 0.5, 3};
  spec.frame_noise_correlation = 0.5;
  spec.noise_follows_camera = true;
  return spec;
}

// The camera move of clip i of that batch (clip i of the stream with seed 3).
world::CameraMove camera_of_clip(int i) {
  return world::sample(mix_seed(3, static_cast<std::uint64_t>(i)), 4, 32, 32).attributes.camera;
}

TEST_F(BatchFixture, SharedNoiseMovesWithEachClipsCamera) {
  const BatchSpec moving = moving_shared_noise_spec();
  BatchSpec still = moving;
  still.noise_follows_camera = false;
  const TrainingBatch a = batch_of(still);
  const TrainingBatch b = batch_of(moving);
  EXPECT_TRUE(torch::equal(a.clean, b.clean));
  int pans = 0;
  for (int i = 0; i < 48; ++i) {
    const world::CameraMove move = camera_of_clip(i);
    const torch::Tensor noise = b.noise[i];
    if (move == world::CameraMove::Static) {
      EXPECT_TRUE(torch::equal(noise, a.noise[i])) << i;
      continue;
    }
    EXPECT_FALSE(torch::equal(noise, a.noise[i])) << i;
    if (move != world::CameraMove::PanLeft) continue;
    // Pan left: content moves right by camera_step_pixels(32) = 2 pixels a frame, and so does the
    // shared half of the noise: frame 1 matches frame 0 moved right, not frame 0 in place.
    const torch::Tensor f0 = noise.select(1, 0), f1 = noise.select(1, 1);
    EXPECT_NEAR(correlation(f1, torch::roll(f0, 2, 2)), 0.5, 0.12) << i;
    EXPECT_NEAR(correlation(f1, f0), 0.0, 0.12) << i;
    ++pans;
  }
  EXPECT_GT(pans, 0);
}

TEST_F(BatchFixture, SharedNoiseInSubCellsStaysUnitAndFollowsPans) {
  const BatchSpec whole = moving_shared_noise_spec();
  BatchSpec spec = whole;
  spec.camera_noise_subcells = 4;
  const TrainingBatch a = batch_of(whole);
  const TrainingBatch b = batch_of(spec);
  EXPECT_TRUE(torch::equal(a.clean, b.clean));
  EXPECT_FALSE(torch::equal(a.noise, b.noise));
  int pans = 0, zooms = 0;
  for (int i = 0; i < 48; ++i) {
    const world::CameraMove move = camera_of_clip(i);
    const torch::Tensor noise = b.noise[i];
    for (int t = 0; t < 4; ++t) EXPECT_NEAR(noise.select(1, t).std().item<double>(), 1.0, 0.08) << i << " " << t;
    const torch::Tensor f0 = noise.select(1, 0), f1 = noise.select(1, 1);
    if (move == world::CameraMove::PanLeft) {
      EXPECT_NEAR(correlation(f1, torch::roll(f0, 2, 2)), 0.5, 0.12) << i;
      ++pans;
    } else if (move == world::CameraMove::PushIn) {
      // A push-in moves the shared half under the content: frame 1 keeps part of it in place (near
      // the centre), not all (a still clip's frames correlate 0.5).
      const double r = correlation(f1, f0);
      EXPECT_GT(r, 0.1) << i;
      EXPECT_LT(r, 0.4) << i;
      ++zooms;
    }
  }
  EXPECT_GT(pans, 0);
  EXPECT_GT(zooms, 0);
}

TEST_F(BatchFixture, LayoutNoiseIsSmoothSharedByTheFramesAndMovesWithTheCamera) {
  const BatchSpec plain = moving_shared_noise_spec();
  BatchSpec spec = plain;
  spec.layout_noise = 0.5;
  const TrainingBatch a = batch_of(plain);
  const TrainingBatch b = batch_of(spec);
  // Everything else is drawn as without the option.
  EXPECT_TRUE(torch::equal(a.clean, b.clean));
  EXPECT_TRUE(torch::equal(a.t, b.t));
  EXPECT_TRUE(torch::equal(a.given, b.given));
  const torch::Tensor added = b.noise - a.noise;  // [B,C,T,H,W]
  // Three bilinearly upsampled N(0,1) grids (variances ~0.39, 0.30, 0.28) times 0.5.
  EXPECT_NEAR(added.std().item<double>(), 0.5, 0.15);
  // Low frequency: neighbouring pixels differ by under 0.6 of its std (plain noise's by 1.41 std).
  const torch::Tensor step_x = (added.narrow(4, 1, 31) - added.narrow(4, 0, 31)).std();
  const torch::Tensor step_y = (added.narrow(3, 1, 31) - added.narrow(3, 0, 31)).std();
  EXPECT_LT(step_x.item<double>(), 0.6 * added.std().item<double>());
  EXPECT_LT(step_y.item<double>(), 0.6 * added.std().item<double>());
  // Different for every clip and channel.
  EXPECT_LT(std::abs(correlation(added[0][0], added[1][0])), 0.5);
  EXPECT_LT(std::abs(correlation(added[0][0], added[0][1])), 0.5);
  int still = 0, pans = 0;
  for (int i = 0; i < 48; ++i) {
    const world::CameraMove move = camera_of_clip(i);
    const torch::Tensor clip = added[i];
    const torch::Tensor f0 = clip.select(1, 0), f1 = clip.select(1, 1);
    if (move == world::CameraMove::Static) {
      // (b − a recovers the field up to rounding: x + l − x)
      for (int t = 1; t < 4; ++t) EXPECT_TRUE(torch::allclose(clip.select(1, t), f0, 1e-5, 1e-5)) << i;
      ++still;
    } else if (move == world::CameraMove::PanLeft) {
      // The content moves right 2 pixels a frame; the field with it (whole cells, wrapping).
      EXPECT_TRUE(torch::allclose(f1, torch::roll(f0, 2, 2), 1e-5, 1e-5)) << i;
      ++pans;
    }
  }
  EXPECT_GT(still, 0);
  EXPECT_GT(pans, 0);
  // Where the shared noise stands still, so does the field: every frame the same.
  BatchSpec standing = spec;
  standing.noise_follows_camera = false;
  BatchSpec standing_plain = plain;
  standing_plain.noise_follows_camera = false;
  const torch::Tensor still_field = batch_of(standing).noise - batch_of(standing_plain).noise;
  EXPECT_LT((still_field - still_field.select(2, 0).unsqueeze(2)).abs().max().item<float>(), 1e-5f);
}

TEST(FigureCells, ShareOfEachCellGrownByOneCell) {
  world::FigureCoverage figures{16, 8, {std::vector<float>(16 * 8, 0.0f)}};
  for (int y = 4; y < 8; ++y)
    for (int x = 8; x < 10; ++x) figures.frames[0][static_cast<std::size_t>(y) * 16 + x] = 1.0f;  // half of cell (1, 2)
  const torch::Tensor cells = figure_cells(figures, 4);
  ASSERT_EQ(cells.sizes(), (std::vector<std::int64_t>{1, 1, 2, 4}));
  // Cell (1, 2) holds 0.5; its neighbours get its share, the far column none.
  EXPECT_FLOAT_EQ(cells[0][0][1][2].item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(cells[0][0][0][1].item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(cells[0][0][1][3].item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(cells[0][0][0][0].item<float>(), 0.0f);
}

TEST_F(BatchFixture, FigureLossWeightIsHeavyWhereTheFiguresAreAndLeavesTheDrawsAlone) {
  const TrainingBatch plain = make_training_batch(config, tokenizer, spec, 11, 0);
  EXPECT_FALSE(plain.loss_weight.defined());
  BatchSpec weighted = spec;
  weighted.figure_loss_weight = 4.0;
  const TrainingBatch batch = make_training_batch(config, tokenizer, weighted, 11, 0);
  EXPECT_TRUE(torch::equal(batch.noise, plain.noise));
  EXPECT_TRUE(torch::equal(batch.t, plain.t));
  ASSERT_EQ(batch.loss_weight.sizes(), (std::vector<std::int64_t>{12, 1, 4, 16, 16}));
  EXPECT_GE(batch.loss_weight.min().item<float>(), 1.0f);
  // Every world clip has at least one figure, and most of its frame is not one; the weight fades
  // towards pure noise: a cell a figure fills weighs 1 + 3·(1 − t).
  for (int i = 0; i < 12; ++i) {
    const torch::Tensor w = batch.loss_weight[i];
    const float clean_share = 1.0f - batch.t[i].item<float>();
    EXPECT_NEAR(w.max().item<float>(), 1.0f + 3.0f * clean_share, 1e-5f) << i;
    EXPECT_LT((w > 1.0f).to(torch::kFloat32).mean().item<float>(), 0.7f) << i;
  }
}

TEST(FillerWords, CaptionPartsStayInOrderAndOnlyFillerIsAdded) {
  const std::string caption = "flat 2D animation, pan left, night scene, teal and orange";
  const std::vector<std::string> words = {"lighthouse", "lantern", "harbor"};
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    world::Rng rng(seed);
    const std::string out = with_filler_words(caption, words, rng);
    std::vector<std::string> parts;
    for (std::size_t begin = 0; begin <= out.size();) {
      const std::size_t end = std::min(out.find(", ", begin), out.size());
      parts.push_back(out.substr(begin, end - begin));
      begin = end + 2;
    }
    std::vector<std::string> kept;
    int added = 0;
    for (const std::string& part : parts) {
      const std::vector<std::string> original = {"flat 2D animation", "pan left", "night scene", "teal and orange"};
      if (std::find(original.begin(), original.end(), part) != original.end()) {
        kept.push_back(part);
        continue;
      }
      for (const std::string& word : engine::split_words(part)) {
        ++added;
        const bool listed = std::find(words.begin(), words.end(), word) != words.end();
        const bool made_up = word.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos;
        EXPECT_TRUE(listed || made_up) << word;
      }
    }
    EXPECT_EQ(kept, (std::vector<std::string>{"flat 2D animation", "pan left", "night scene", "teal and orange"})) << out;
    EXPECT_GE(added, 1) << out;
    EXPECT_LE(added, 24) << out;
  }
}

TEST_F(BatchFixture, FillerLengthensCaptionsTheSameWayEveryTime) {
  const std::vector<std::string> words = {"lighthouse", "lantern"};
  BatchSpec filled = spec;
  filled.filler_probability = 1.0;
  filled.filler_words = &words;
  const TrainingBatch plain = make_training_batch(config, tokenizer, spec, 11, 24);
  const TrainingBatch a = make_training_batch(config, tokenizer, filled, 11, 24);
  const TrainingBatch b = make_training_batch(config, tokenizer, filled, 11, 24);
  EXPECT_TRUE(torch::equal(a.context.token_ids, b.context.token_ids));
  EXPECT_TRUE(torch::equal(a.clean, plain.clean));  // the clips are the same, only the words differ
  auto tokens = [](const TrainingBatch& batch) { return (batch.context.token_ids != 0).sum().item<std::int64_t>(); };
  EXPECT_GT(tokens(a), tokens(plain));
  // An empty caption (the unconditional branch) stays empty.
  for (std::int64_t i = 0; i < plain.context.token_ids.size(0); ++i)
    if ((plain.context.token_ids[i] != 0).sum().item<std::int64_t>() == 1) {
      EXPECT_EQ((a.context.token_ids[i] != 0).sum().item<std::int64_t>(), 1);
    }
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
