#include "engine/model/autoencoder.h"

#include <gtest/gtest.h>

#include "engine/model/shot_model.h"
#include "tiny_model.h"

using namespace shotgen::engine;

namespace {

ModelConfig latent_config(int factor) {
  ModelConfig config = test_models::tiny_latent_config();
  config.latent_factor = factor;
  return config;
}

FrameAutoencoder random_autoencoder(const ModelConfig& config, std::uint64_t seed) {
  FrameAutoencoder model(config);
  initialize_parameters(*model, InitMode::Random, seed);
  model->eval();
  return model;
}

}  // namespace

TEST(FrameAutoencoder, CodesEachFrameOnAGridFactorTimesSmaller) {
  torch::NoGradGuard no_grad;
  for (int factor : {4, 8}) {
    const ModelConfig config = latent_config(factor);
    FrameAutoencoder model = random_autoencoder(config, 1);
    torch::Tensor clips = torch::rand({2, 3, 3, 32, 64}) * 2 - 1;
    torch::Tensor latents = model->encode(clips);
    EXPECT_EQ(latents.sizes(), (std::vector<std::int64_t>{2, config.latent_channels, 3, 32 / factor, 64 / factor}));
    torch::Tensor decoded = model->decode(latents);
    EXPECT_EQ(decoded.sizes(), clips.sizes());
  }
}

TEST(FrameAutoencoder, FramesAreCodedIndependentlyOfTheirClipAndBatch) {
  torch::NoGradGuard no_grad;
  const ModelConfig config = latent_config(4);
  FrameAutoencoder model = random_autoencoder(config, 2);
  torch::Tensor clips = torch::rand({2, 3, 4, 16, 32}) * 2 - 1;
  torch::Tensor all = model->encode(clips);
  torch::Tensor one = model->encode(clips.narrow(0, 1, 1).narrow(2, 2, 1));
  EXPECT_TRUE(torch::allclose(all.narrow(0, 1, 1).narrow(2, 2, 1), one, 1e-5, 1e-6));
  torch::Tensor frames = model->decode(all);
  torch::Tensor alone = model->decode(all.narrow(0, 0, 1).narrow(2, 1, 1));
  EXPECT_TRUE(torch::allclose(frames.narrow(0, 0, 1).narrow(2, 1, 1), alone, 1e-5, 1e-6));
}

TEST(FrameAutoencoder, LatentStatisticsNormaliseTheLatents) {
  torch::NoGradGuard no_grad;
  const ModelConfig config = latent_config(4);
  FrameAutoencoder model = random_autoencoder(config, 3);
  torch::Tensor clips = torch::rand({4, 3, 2, 16, 32}) * 2 - 1;
  torch::Tensor frames = clips.permute({0, 2, 1, 3, 4}).reshape({8, 3, 16, 32});
  model->set_latent_statistics(model->encode_raw(frames));
  torch::Tensor normalised = model->encode(clips).transpose(0, 1).reshape({config.latent_channels, -1});
  EXPECT_LT(normalised.mean(1).abs().max().item<double>(), 1e-4);
  EXPECT_NEAR(normalised.std(1).mean().item<double>(), 1.0, 1e-3);
  // decode undoes the normalisation: decoding normalised latents equals decoding the raw ones.
  torch::Tensor raw = model->encode_raw(frames);
  torch::Tensor via_normalised = model->decode(model->encode(clips)).permute({0, 2, 1, 3, 4}).reshape({8, 3, 16, 32});
  EXPECT_TRUE(torch::allclose(via_normalised, model->decode_raw(raw), 1e-4, 1e-5));
}

TEST(FrameAutoencoder, ShotModelWorksInLatentSpaceOnlyWhenConfiguredSo) {
  torch::NoGradGuard no_grad;
  ShotModel latent(latent_config(4));
  ShotModel pixels(test_models::tiny_config());
  EXPECT_TRUE(latent->autoencoder);
  EXPECT_FALSE(pixels->autoencoder);
  EXPECT_EQ(latent->data_shape(5, 32, 64), (std::vector<std::int64_t>{8, 5, 8, 16}));
  EXPECT_EQ(pixels->data_shape(5, 32, 64), (std::vector<std::int64_t>{3, 5, 32, 64}));
  torch::Tensor clip = torch::rand({1, 3, 2, 16, 32});
  EXPECT_TRUE(torch::equal(pixels->to_data(clip), clip));
  EXPECT_EQ(latent->to_data(clip).size(1), 8);
  // Every autoencoder weight is named under autoencoder.* (the safetensors names).
  int autoencoder_parameters = 0;
  for (const auto& item : latent->named_parameters())
    autoencoder_parameters += item.key().rfind("autoencoder.", 0) == 0;
  EXPECT_EQ(autoencoder_parameters, static_cast<int>(latent->autoencoder->parameters().size()));
}
