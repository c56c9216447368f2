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

// The per-tensor update the multi-tensor step must reproduce (AdamW, decoupled decay).
void reference_step(torch::Tensor& p, torch::Tensor& m, torch::Tensor& v, const torch::Tensor& g, bool decay, int step,
                    double lr, const AdamWSettings& s) {
  torch::NoGradGuard no_grad;
  if (decay) p.mul_(1.0 - lr * s.weight_decay);
  m.mul_(s.beta1).add_(g, 1.0 - s.beta1);
  v.mul_(s.beta2).addcmul_(g, g, 1.0 - s.beta2);
  const double c1 = 1.0 - std::pow(s.beta1, step), c2 = 1.0 - std::pow(s.beta2, step);
  p.addcdiv_(m, (v.sqrt() / std::sqrt(c2)).add_(s.epsilon), -lr / c1);
}

TEST(AdamW, MultiTensorStepGivesThePerTensorNumbersAndSkipsParametersWithoutGradient) {
  torch::manual_seed(3);
  torch::OrderedDict<std::string, torch::Tensor> params;
  params.insert("a.weight", torch::randn({5, 7}).requires_grad_());
  params.insert("a.bias", torch::randn({7}).requires_grad_());
  params.insert("norm.weight", torch::randn({3, 3}).requires_grad_());  // a norm: never decayed
  params.insert("frozen.weight", torch::randn({4, 4}).requires_grad_());  // no gradient: untouched
  const AdamWSettings settings{.weight_decay = 0.05};
  AdamW optimizer(params, settings);
  std::vector<torch::Tensor> expected, m, v;
  const std::vector<bool> decay = {true, false, false};
  for (int i = 0; i < 3; ++i) {
    expected.push_back(params[i].value().detach().clone());
    m.push_back(torch::zeros_like(expected.back()));
    v.push_back(torch::zeros_like(expected.back()));
  }
  const torch::Tensor frozen = params["frozen.weight"].detach().clone();
  for (int step = 1; step <= 4; ++step) {
    for (int i = 0; i < 3; ++i) {
      torch::Tensor g = torch::randn(expected[i].sizes());
      params[i].value().mutable_grad() = g;
      reference_step(expected[i], m[i], v[i], g, decay[i], step, 0.01 * step, settings);
    }
    optimizer.step(0.01 * step);
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(torch::equal(params[i].value(), expected[i])) << params[i].key();
  EXPECT_TRUE(torch::equal(params["frozen.weight"], frozen));
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
