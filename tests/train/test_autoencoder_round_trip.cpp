#include "train/autoencoder_round_trip.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "engine/engine.h"
#include "engine/runtime/engine_impl.h"
#include "train/tiny_config.h"
#include "world/world.h"

namespace shotgen::train {
namespace {

std::vector<Clip> world_clips(int count, int frames, int width, int height) {
  std::vector<Clip> clips;
  for (int i = 0; i < count; ++i) {
    world::Rng rng(40 + i);
    clips.push_back(world::render_clip(world::sample_attributes(rng), frames, width, height, rng.next()));
  }
  return clips;
}

TEST(AutoencoderRoundTrip, PixelModelHasNoAutoencoder) {
  engine::Engine engine = engine::Engine::create_random(testing::tiny_model_config(), 1);
  EXPECT_FALSE(autoencoder_round_trip(engine, world_clips(1, 2, 16, 16)).has_value());
}

TEST(AutoencoderRoundTrip, EachFrameIsDecodedFromItsOwnLatents) {
  engine::Engine engine = engine::Engine::create_random(testing::tiny_latent_model_config(), 2);
  const std::vector<Clip> clips = world_clips(2, 3, 32, 16);
  const auto out = autoencoder_round_trip(engine, clips);
  ASSERT_TRUE(out.has_value());
  ASSERT_EQ(out->size(), 2u);
  engine::FrameAutoencoderImpl& autoencoder = *engine.impl().model->autoencoder;
  torch::NoGradGuard no_grad;
  for (std::size_t c = 0; c < clips.size(); ++c) {
    ASSERT_EQ((*out)[c].frame_count(), 3);
    EXPECT_EQ((*out)[c].width(), 32);
    EXPECT_EQ((*out)[c].height(), 16);
    EXPECT_NE((*out)[c], clips[c]);  // a random autoencoder does not give the frames back
    // Frame by frame: the last frame of a clip alone comes out as it does inside the clip.
    const torch::Tensor last = engine::image_to_tensor(clips[c].frames.back()).unsqueeze(0);
    const Image alone = engine::tensor_to_image(autoencoder.decode_raw(autoencoder.encode_raw(last))[0]);
    // (Within a level: a batch of one may round differently from a batch of three.)
    const Image& in_clip = (*out)[c].frames.back();
    ASSERT_EQ(alone.rgb.size(), in_clip.rgb.size());
    int largest = 0;
    for (std::size_t i = 0; i < alone.rgb.size(); ++i) largest = std::max(largest, std::abs(alone.rgb[i] - in_clip.rgb[i]));
    EXPECT_LE(largest, 1);
  }
}

TEST(AutoencoderRoundTrip, SidesThatAreNotMultiplesOfTheFactorAreRefused) {
  engine::Engine engine = engine::Engine::create_random(testing::tiny_latent_model_config(), 3);
  try {
    autoencoder_round_trip(engine, world_clips(1, 2, 30, 16));
    FAIL() << "a 30-pixel-wide clip went through a 4x autoencoder";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::OutOfRange);
    EXPECT_NE(std::string(e.what()).find("multiples of 4"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace shotgen::train
