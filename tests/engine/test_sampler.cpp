#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "engine/runtime/sampler.h"

using namespace shotgen::engine;

namespace {

// Returns a known constant per branch: positive 1.0, negative 0.5, unconditional 0.2.
class BranchConstants : public VelocityModel {
 public:
  explicit BranchConstants(int branches) : branches_(branches) {}
  torch::Tensor velocity(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor&,
                         const torch::Tensor&) override {
    ++calls;
    batch_sizes.push_back(x_t.size(0));
    const auto r = x_t.size(0) / branches_;
    torch::Tensor v = torch::empty_like(x_t);
    const double values[] = {1.0, 0.5, 0.2};
    for (int b = 0; b < branches_; ++b) v.narrow(0, b * r, r).fill_(values[b]);
    return v;
  }
  int calls = 0;
  std::vector<std::int64_t> batch_sizes;

 private:
  int branches_;
};

// v = x: dx/dt = x, so x(0) = x(1)·e^-1 exactly.
class Linear : public VelocityModel {
 public:
  torch::Tensor velocity(const torch::Tensor& x_t, const torch::Tensor&, const torch::Tensor&,
                         const torch::Tensor&) override {
    return x_t.clone();
  }
};

// Random-looking velocity that records whether the given frames arrived clean.
class Checking : public VelocityModel {
 public:
  torch::Tensor velocity(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond,
                         const torch::Tensor& mask) override {
    torch::Tensor given = mask.to(torch::kBool).expand_as(x_t);
    clean_inputs = clean_inputs && torch::equal(x_t.masked_select(given), cond.masked_select(given));
    return torch::sin(x_t * 3.0) + t.view({-1, 1, 1, 1, 1});
  }
  bool clean_inputs = true;
};

SamplingInputs inputs(std::int64_t requests) {
  torch::Tensor noise = torch::randn({requests, 3, 2, 4, 4});
  return {noise, torch::zeros_like(noise), torch::zeros({requests, 1, 2, 1, 1}, torch::kBool)};
}

}  // namespace

TEST(Guidance, TwoBranchFormulaMatchesHandComputedValues) {
  const torch::Tensor pos = torch::tensor({1.0, -2.0}), neg = torch::tensor({0.5, 1.0});
  // v = v_neg + s·(v_pos − v_neg) with s = 5: 0.5 + 5·0.5 = 3; 1 + 5·(−3) = −14.
  const torch::Tensor v = combine_guidance(pos, neg, {}, Guidance{5.0, std::nullopt});
  EXPECT_DOUBLE_EQ(v[0].item<double>(), 3.0);
  EXPECT_DOUBLE_EQ(v[1].item<double>(), -14.0);
  // s = 1 is the positive branch alone.
  EXPECT_TRUE(torch::allclose(combine_guidance(pos, neg, {}, Guidance{1.0, std::nullopt}), pos));
}

TEST(Guidance, ThreeBranchFormulaMatchesHandComputedValues) {
  const torch::Tensor pos = torch::tensor({1.0}), neg = torch::tensor({0.5}), unc = torch::tensor({0.2});
  // v = v_unc + s·(v_pos − v_unc) − n·(v_neg − v_unc) = 0.2 + 5·0.8 − 2·0.3 = 3.6
  const torch::Tensor v = combine_guidance(pos, neg, unc, Guidance{5.0, 2.0});
  EXPECT_NEAR(v[0].item<double>(), 3.6, 1e-6);  // float32 arithmetic
}

TEST(Sampler, OneBatchedCallPerStepAndGuidedEulerStep) {
  for (bool three : {false, true}) {
    BranchConstants model(three ? 3 : 2);
    SamplerSettings settings;
    settings.steps = 1;
    settings.guidance = 5.0;
    if (three) settings.negative_scale = 2.0;
    const SamplingInputs in = inputs(2);
    const torch::Tensor x = sample(model, in, settings);
    // One Euler step from t = 1 to 0: x0 = ε − v.
    const double expected_v = three ? 3.6 : 3.0;
    EXPECT_TRUE(torch::allclose(x, in.noise - expected_v, 1e-6, 1e-6)) << three;
    EXPECT_EQ(model.calls, 1);
    EXPECT_EQ(model.batch_sizes, std::vector<std::int64_t>{three ? 6 : 4});
  }
}

TEST(Sampler, HeunIsMoreAccurateThanEulerAndCallsTheModelTwicePerStep) {
  Linear model;
  const SamplingInputs in = inputs(1);
  const torch::Tensor exact = in.noise * std::exp(-1.0);
  SamplerSettings settings;
  settings.steps = 8;
  settings.guidance = 1.0;
  const double euler_error = (sample(model, in, settings) - exact).abs().max().item<double>();
  settings.method = SamplerSettings::Method::Heun;
  const double heun_error = (sample(model, in, settings) - exact).abs().max().item<double>();
  EXPECT_LT(heun_error, euler_error / 4);

  BranchConstants counting(2);
  sample(counting, in, settings);
  EXPECT_EQ(counting.calls, 2 * 8 - 1);  // the last step to t = 0 is an Euler step
}

TEST(Sampler, ScheduleRunsFromOneToZeroWithShift) {
  const auto uniform = timestep_schedule(4, 1.0);
  EXPECT_EQ(uniform, (std::vector<double>{1.0, 0.75, 0.5, 0.25, 0.0}));
  const auto shifted = timestep_schedule(2, 3.0);
  EXPECT_DOUBLE_EQ(shifted[0], 1.0);
  EXPECT_DOUBLE_EQ(shifted[1], 0.75);  // 3·0.5 / (1 + 2·0.5)
  EXPECT_DOUBLE_EQ(shifted[2], 0.0);
}

TEST(Sampler, ScheduleFromAGuideKeepsEveryStepBelowItsStart) {
  const auto from_guide = timestep_schedule(4, 1.0, 0.8);
  ASSERT_EQ(from_guide.size(), 5u);
  EXPECT_DOUBLE_EQ(from_guide[0], 0.8);
  EXPECT_DOUBLE_EQ(from_guide[2], 0.4);
  EXPECT_DOUBLE_EQ(from_guide[4], 0.0);
}

// Records the first x_t and t it is called with; v = 0 leaves x where it starts.
class FirstInput : public VelocityModel {
 public:
  torch::Tensor velocity(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor&,
                         const torch::Tensor&) override {
    if (!first_x.defined()) {
      first_x = x_t.clone();
      first_t = t[0].item<double>();
    }
    return torch::zeros_like(x_t);
  }
  torch::Tensor first_x;
  double first_t = -1;
};

TEST(Sampler, AGuideEntersAsTrainingNoisesAClip) {
  FirstInput model;
  SamplingInputs in = inputs(1);
  in.guide = torch::rand_like(in.noise) * 2 - 1;
  SamplerSettings settings;
  settings.steps = 3;
  settings.guidance = 1.0;
  settings.guide_share = 0.25;
  const torch::Tensor x = sample(model, in, settings);
  // x_t = (1−t)·guide + t·ε at t = 1 − share, for every branch row.
  const torch::Tensor expected = 0.25 * in.guide + 0.75 * in.noise;
  EXPECT_NEAR(model.first_t, 0.75, 1e-6);
  EXPECT_TRUE(torch::allclose(model.first_x.narrow(0, 0, 1), expected, 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(x, expected, 1e-6, 1e-6));  // v = 0: nothing moved it

  in.guide = torch::Tensor();
  EXPECT_THROW(sample(model, in, settings), shotgen::Error);  // a share needs a guide
}

TEST(Sampler, GivenFramesStayExactlyAsGiven) {
  Checking model;
  SamplingInputs in = inputs(2);
  in.cond_frames = torch::rand_like(in.noise) * 2 - 1;
  in.cond_mask.select(2, 1).fill_(true);  // frame 1 of both requests given
  SamplerSettings settings;
  settings.steps = 5;
  settings.method = SamplerSettings::Method::Heun;
  const torch::Tensor x = sample(model, in, settings);
  EXPECT_TRUE(torch::equal(x.select(2, 1), in.cond_frames.select(2, 1)));
  EXPECT_FALSE(torch::equal(x.select(2, 0), in.cond_frames.select(2, 0)));
  EXPECT_TRUE(model.clean_inputs);
}

TEST(Sampler, HooksSeeEveryStepAndCanStopSampling) {
  Linear model;
  SamplerSettings settings;
  settings.steps = 4;
  std::vector<int> steps;
  SamplingHooks hooks;
  hooks.after_step = [&](int step, int total) {
    EXPECT_EQ(total, 4);
    steps.push_back(step);
  };
  sample(model, inputs(1), settings, hooks);
  EXPECT_EQ(steps, (std::vector<int>{1, 2, 3, 4}));
  hooks.before_step = [&] {
    if (steps.size() >= 6) throw std::runtime_error("stop");
  };
  EXPECT_THROW(sample(model, inputs(1), settings, hooks), std::runtime_error);
  EXPECT_EQ(steps.size(), 6u);
}
