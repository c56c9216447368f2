#include <gtest/gtest.h>

#include "engine/runtime/engine_impl.h"
#include "tiny_model.h"

using namespace shotgen;
using namespace shotgen::engine;

namespace {

Image solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      image.pixel(x, y)[0] = r;
      image.pixel(x, y)[1] = g;
      image.pixel(x, y)[2] = b;
    }
  return image;
}

Image stripes(int w, int h) {
  Image image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) image.pixel(x, y)[c] = static_cast<std::uint8_t>(((x / 2) % 2) * 200 + c * 20);
  return image;
}

GenerationRequest request_with(std::vector<ReferenceImage> references) {
  GenerationRequest request;
  request.positive = "green sky";
  request.negative = "red";
  request.frames = 2;
  request.width = 16;
  request.height = 16;
  request.references = std::move(references);
  return request;
}

}  // namespace

TEST(ReferenceFeatures, SizesAndSensitivityPerDimension) {
  torch::NoGradGuard no_grad;
  const torch::Tensor red = reference_image_tensor(solid(40, 20, 220, 20, 20)).unsqueeze(0);
  const torch::Tensor blue = reference_image_tensor(solid(40, 20, 20, 20, 220)).unsqueeze(0);
  const torch::Tensor dark = reference_image_tensor(solid(40, 20, 20, 2, 2)).unsqueeze(0);
  const torch::Tensor striped = reference_image_tensor(stripes(32, 32)).unsqueeze(0);
  EXPECT_EQ(red.sizes(), (std::vector<std::int64_t>{1, 3, 32, 32}));
  for (const std::string& group : known_reference_groups())
    EXPECT_EQ(reference_features(red, group).size(1), reference_feature_size(group)) << group;
  auto distance = [](const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().sum().item<double>(); };
  EXPECT_GT(distance(reference_features(red, "palette"), reference_features(blue, "palette")), 0.5);
  EXPECT_GT(distance(reference_features(red, "lighting"), reference_features(dark, "lighting")), 0.3);
  EXPECT_GT(distance(reference_features(red, "texture"), reference_features(striped, "texture")), 0.3);
  EXPECT_LT(distance(reference_features(red, "texture"), reference_features(blue, "texture")), 1e-5);  // both flat
}

TEST(ReferenceTokens, IgnoreRemovesExactlyTheNamedGroups) {
  torch::NoGradGuard no_grad;
  Engine engine = Engine::create_random(test_models::tiny_config(), 11);
  Engine::Impl& impl = engine.impl();
  const std::vector<GenerationRequest> batch{
      request_with({{solid(16, 16, 200, 30, 30), {"lighting", "background"}},
                    {stripes(16, 16), {"palette", "texture", "composition"}}}),
      request_with({})};
  const Context context = impl.model->encode_context(build_context_inputs(impl, batch, 2));
  EXPECT_EQ(present_reference_groups(context.bias[0], impl.config),
            (std::vector<std::string>{"0:palette", "0:texture", "0:composition", "1:lighting"}));
  EXPECT_TRUE(present_reference_groups(context.bias[1], impl.config).empty());  // request without references
  EXPECT_TRUE(present_reference_groups(context.bias[2], impl.config).empty());  // negative branch
  EXPECT_TRUE(present_reference_groups(context.bias[3], impl.config).empty());
}

TEST(ReferenceTokens, IgnoredGroupsCannotInfluenceTheDenoiser) {
  torch::NoGradGuard no_grad;
  Engine engine = Engine::create_random(test_models::tiny_config(), 12);
  Engine::Impl& impl = engine.impl();
  const std::vector<GenerationRequest> batch{request_with({{solid(16, 16, 30, 200, 30), {"lighting"}}})};
  const Context context = impl.model->encode_context(build_context_inputs(impl, batch, 1));
  const int tokens = impl.config.reference_tokens_per_group;
  const int lighting = impl.config.max_tokens + 1 * tokens;  // slot 0, group 1 (lighting)
  const int palette = impl.config.max_tokens;                 // slot 0, group 0

  torch::Tensor x = torch::randn({1, 3, 2, 16, 16});
  torch::Tensor mask = torch::zeros({1, 1, 2, 1, 1});
  auto run = [&](const Context& c) { return impl.model->forward(x, torch::full({1}, 0.4), torch::zeros_like(x), mask, c); };
  const torch::Tensor base = run(context);

  Context scrambled{context.tokens.clone(), context.bias};
  scrambled.tokens[0].narrow(0, lighting, tokens).normal_();
  EXPECT_TRUE(torch::equal(run(scrambled), base));  // ignored lighting tokens: no effect at all

  Context changed{context.tokens.clone(), context.bias};
  changed.tokens[0].narrow(0, palette, tokens).normal_();
  EXPECT_FALSE(torch::equal(run(changed), base));  // used palette tokens do matter
}
