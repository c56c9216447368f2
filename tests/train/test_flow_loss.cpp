#include "train/flow_loss.h"

#include <gtest/gtest.h>

namespace shotgen::train {
namespace {

// [B=2, C=3, T=4, H=8, W=8] of zeros and no given frames.
torch::Tensor zeros() { return torch::zeros({2, 3, 4, 8, 8}); }
torch::Tensor none_given() { return torch::zeros({2, 1, 4, 1, 1}); }

TEST(FlowLoss, WithoutTheMultiscaleTermItIsThePlainMse) {
  torch::manual_seed(3);
  const torch::Tensor velocity = torch::randn({2, 3, 4, 8, 8}), target = torch::randn({2, 3, 4, 8, 8});
  const FlowLoss loss = flow_loss(velocity, target, none_given(), 0.0);
  const double expected = (velocity - target).pow(2).mean().item<double>();
  EXPECT_NEAR(loss.mse.item<double>(), expected, 1e-6);
  EXPECT_NEAR(loss.total.item<double>(), expected, 1e-6);
}

TEST(FlowLoss, AFrameWideErrorCountsAtEveryScale) {
  // An error of 0.5 everywhere (a wrong grade) is 0.25 at full resolution, in 4x4 blocks and over
  // the whole frame: total = 0.25 + w * (0.25 + 0.25).
  const FlowLoss loss = flow_loss(zeros() + 0.5, zeros(), none_given(), 2.0);
  EXPECT_NEAR(loss.mse.item<double>(), 0.25, 1e-6);
  EXPECT_NEAR(loss.total.item<double>(), 0.25 + 2.0 * 0.5, 1e-6);
}

TEST(FlowLoss, ACheckerboardErrorIsLeftToThePlainMse) {
  // Texture-scale error (alternating +-0.5) averages out in every block: only the MSE sees it.
  const torch::Tensor rows = torch::arange(8).view({8, 1}), columns = torch::arange(8).view({1, 8});
  const torch::Tensor checker = ((rows + columns) % 2).to(torch::kFloat32) - 0.5;
  const FlowLoss loss = flow_loss(zeros() + checker, zeros(), none_given(), 2.0);
  EXPECT_NEAR(loss.mse.item<double>(), 0.25, 1e-6);
  EXPECT_NEAR(loss.total.item<double>(), 0.25, 1e-6);
}

TEST(FlowLoss, GivenFramesAreLeftOut) {
  // Frames 0-1 of clip 0 are given: an error there costs nothing; the rest are exact.
  torch::Tensor velocity = zeros();
  velocity[0].slice(1, 0, 2).fill_(3.0);
  torch::Tensor given = none_given();
  given[0].slice(1, 0, 2).fill_(1.0);
  const FlowLoss loss = flow_loss(velocity, zeros(), given, 4.0);
  EXPECT_EQ(loss.mse.item<double>(), 0.0);
  EXPECT_EQ(loss.total.item<double>(), 0.0);
  // The same error on a frame that is not given is averaged over the 6 counted frames only.
  velocity[1].slice(1, 0, 1).fill_(3.0);
  EXPECT_NEAR(flow_loss(velocity, zeros(), given, 0.0).mse.item<double>(), 9.0 / 6.0, 1e-6);
}

TEST(FlowLoss, CellWeightsWeighTheErrorAndKeepItsScale) {
  torch::manual_seed(5);
  const torch::Tensor velocity = torch::randn({2, 3, 4, 8, 8}), target = torch::randn({2, 3, 4, 8, 8});
  // Uniform weights of any size leave the loss as the plain MSE.
  const FlowLoss uniform = flow_loss(velocity, target, none_given(), 0.0, torch::full({2, 1, 4, 8, 8}, 3.0));
  EXPECT_NEAR(uniform.total.item<double>(), uniform.mse.item<double>(), 1e-6);
  // An error only in one cell (all channels, clip 0, frame 1), weighted 4 against 1 elsewhere:
  // total = 4·e² over 3 channels / (3 channels · (N + 3 weight in that cell)).
  torch::Tensor error = zeros();
  error.index_put_({0, torch::indexing::Slice(), 1, 2, 5}, 2.0);
  torch::Tensor weight = torch::ones({2, 1, 4, 8, 8});
  weight.index_put_({0, 0, 1, 2, 5}, 4.0);
  const FlowLoss weighted = flow_loss(error, zeros(), none_given(), 0.0, weight);
  const double cells = 2 * 4 * 8 * 8;
  EXPECT_NEAR(weighted.mse.item<double>(), 3 * 4.0 / (3 * cells), 1e-6);  // the logged MSE is unweighted
  EXPECT_NEAR(weighted.total.item<double>(), 4.0 * 3 * 4.0 / (3 * (cells + 3)), 1e-6);
  // Given frames stay out of the weighted loss too.
  torch::Tensor given = none_given();
  given[0][0][1] = 1.0;
  EXPECT_EQ(flow_loss(error, zeros(), given, 0.0, weight).total.item<double>(), 0.0);
}

TEST(FlowLoss, GradientsReachTheVelocity) {
  const torch::Tensor velocity = (zeros() + 0.5).requires_grad_();
  flow_loss(velocity, zeros(), none_given(), 1.0).total.backward();
  ASSERT_TRUE(velocity.grad().defined());
  EXPECT_GT(velocity.grad().abs().min().item<double>(), 0.0);
}

}  // namespace
}  // namespace shotgen::train
