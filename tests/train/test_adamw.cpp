#include "train/adamw.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace shotgen::train {
namespace {

TEST(AdamW, FirstStepMatchesTheFormulaAndDecaysOnlyMatrices) {
  torch::OrderedDict<std::string, torch::Tensor> params;
  params.insert("layer.weight", torch::full({2, 2}, 1.0).requires_grad_());
  params.insert("layer.bias", torch::full({2}, 1.0).requires_grad_());
  params["layer.weight"].mutable_grad() = torch::full({2, 2}, 0.5);
  params["layer.bias"].mutable_grad() = torch::full({2}, -2.0);
  AdamW optimizer(params, {.weight_decay = 0.1});
  optimizer.step(0.01);
  // Step 1: m̂ = g, v̂ = g², update = lr·g/(|g| + ε) = ±lr; decay multiplies matrices by 1 − lr·wd.
  const double eps = 1e-8;
  EXPECT_NEAR(params["layer.weight"][0][0].item<double>(), 1.0 * (1 - 0.001) - 0.01 * 0.5 / (0.5 + eps), 1e-6);
  EXPECT_NEAR(params["layer.bias"][0].item<double>(), 1.0 + 0.01 * 2.0 / (2.0 + eps), 1e-6);
  EXPECT_EQ(optimizer.steps_taken(), 1);
}

TEST(AdamW, StateRoundTripsByName) {
  torch::OrderedDict<std::string, torch::Tensor> a, b;
  a.insert("w", torch::randn({3, 4}).requires_grad_());
  b.insert("w", a["w"].detach().clone().requires_grad_());
  AdamW first(a, {}), second(b, {});
  a["w"].mutable_grad() = torch::randn({3, 4});
  first.step(0.1);
  second.load_state(first.state(), "test");
  EXPECT_EQ(second.steps_taken(), 1);
  torch::NoGradGuard no_grad;
  b["w"].copy_(a["w"]);
  torch::Tensor g = torch::randn({3, 4});
  a["w"].mutable_grad() = g.clone();
  b["w"].mutable_grad() = g.clone();
  first.step(0.1);
  second.step(0.1);
  EXPECT_TRUE(torch::equal(a["w"], b["w"]));
}

TEST(AdamW, LoadStateNamesAMissingTensor) {
  torch::OrderedDict<std::string, torch::Tensor> params;
  params.insert("w", torch::zeros({2}).requires_grad_());
  AdamW optimizer(params, {});
  engine::SafetensorsFile empty;
  empty.metadata["adamw_steps"] = "3";
  try {
    optimizer.load_state(empty, "ckpt/optimizer.safetensors");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("exp_avg.w"), std::string::npos);
  }
}

}  // namespace
}  // namespace shotgen::train
