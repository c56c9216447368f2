#include "train/flow_loss.h"

#include <algorithm>

namespace shotgen::train {
namespace {

// Mean of err² per pooled element, over the frames that count: err is already zero on given frames,
// and `frames_counted` is the number of (clip, frame) pairs that are not given.
torch::Tensor pooled_mse(const torch::Tensor& err, const torch::Tensor& frames_counted, std::int64_t block_h,
                         std::int64_t block_w) {
  const torch::Tensor pooled =
      block_h * block_w == 1 ? err : torch::avg_pool3d(err, {1, block_h, block_w}, {1, block_h, block_w});
  const double elements_per_frame = static_cast<double>(pooled.size(1) * pooled.size(3) * pooled.size(4));
  return pooled.pow(2).sum() / (frames_counted * elements_per_frame);
}

}  // namespace

FlowLoss flow_loss(const torch::Tensor& velocity, const torch::Tensor& target, const torch::Tensor& given,
                   double multiscale_weight, const torch::Tensor& cell_weight) {
  const torch::Tensor counted = 1 - given;  // [B,1,T,1,1]
  const torch::Tensor err = (velocity.to(torch::kFloat32) - target) * counted;
  const torch::Tensor frames_counted = counted.sum();
  const std::int64_t height = err.size(3), width = err.size(4);
  FlowLoss loss;
  loss.mse = pooled_mse(err, frames_counted, 1, 1);
  loss.total = loss.mse;
  if (cell_weight.defined()) {
    const torch::Tensor weight = cell_weight * counted;
    loss.total = (weight * err.pow(2)).sum() / (weight.sum() * err.size(1));
  }
  if (multiscale_weight > 0.0) {
    const torch::Tensor blocks = pooled_mse(err, frames_counted, std::min<std::int64_t>(4, height),
                                            std::min<std::int64_t>(4, width));
    const torch::Tensor whole = pooled_mse(err, frames_counted, height, width);
    loss.total = loss.total + multiscale_weight * (blocks + whole);
  }
  return loss;
}

}  // namespace shotgen::train
