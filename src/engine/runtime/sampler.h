#pragma once
// Rectified-flow sampling: x_t = (1−t)·x0 + t·ε, the model predicts v = ε − x0, and the sampler
// integrates dx/dt = v from t = 1 (noise) to t = 0 (clip) with Euler or Heun steps on a shifted
// schedule. Guidance branches are batched into one model call per evaluation.
// Private to engine + train (exposes libtorch).
#include <torch/torch.h>

#include <functional>
#include <optional>
#include <vector>

#include "engine/engine.h"

namespace shotgen::engine {

// What the sampler needs from a network. Inputs hold all branches of all requests, branch-major:
// rows [0,R) positive, [R,2R) negative, [2R,3R) unconditional (three-branch only).
class VelocityModel {
 public:
  virtual ~VelocityModel() = default;
  // x_t, cond_frames [N,3,T,H,W]; t [N]; cond_mask [N,1,T,1,1] → v [N,3,T,H,W].
  virtual torch::Tensor velocity(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond_frames,
                                 const torch::Tensor& cond_mask) = 0;
};

struct Guidance {
  double scale = 5.0;
  std::optional<double> negative_scale;
  int branches() const { return negative_scale ? 3 : 2; }
};

// v = v_neg + s·(v_pos − v_neg), or with negative_scale n (v_unc defined):
// v = v_unc + s·(v_pos − v_unc) − n·(v_neg − v_unc).
torch::Tensor combine_guidance(const torch::Tensor& v_pos, const torch::Tensor& v_neg, const torch::Tensor& v_unc,
                               const Guidance& guidance);

// Splits a branch-major batch [branches·R, …] into its branches and combines them → [R, …].
torch::Tensor combine_branches(const torch::Tensor& v_all, const Guidance& guidance);

// steps + 1 times from `start` down to 0: uniform from 1, shifted t' = s·t / (1 + (s−1)·t), then
// scaled by `start` (a sampler that starts from a guide at t = start keeps all its steps).
std::vector<double> timestep_schedule(int steps, double shift, double start = 1.0);

struct SamplingInputs {
  torch::Tensor noise;        // [R,3,T,H,W] float32, the clip at t = 1
  torch::Tensor cond_frames;  // [R,3,T,H,W] clean frames (any value where not given)
  torch::Tensor cond_mask;    // [R,1,T,1,1] bool, true where the frame is given
  // [R,3,T,H,W] the clip to start from at t = 1 − settings.guide_share (undefined: pure noise)
  torch::Tensor guide;
};

struct SamplingHooks {
  std::function<void()> before_step;                     // may throw (cancellation)
  std::function<void(int step, int total_steps)> after_step;
};

// Runs the sampler; returns the clip [R,3,T,H,W] (float32, device of the inputs). Given frames are
// put back clean before every model evaluation and in the result, so they come out exactly as given.
torch::Tensor sample(VelocityModel& model, const SamplingInputs& inputs, const SamplerSettings& settings,
                     const SamplingHooks& hooks = {});

}  // namespace shotgen::engine
