#include "engine/runtime/sampler.h"

#include "core/error.h"

namespace shotgen::engine {

torch::Tensor combine_guidance(const torch::Tensor& v_pos, const torch::Tensor& v_neg, const torch::Tensor& v_unc,
                               const Guidance& guidance) {
  if (!guidance.negative_scale) return v_neg + guidance.scale * (v_pos - v_neg);
  return v_unc + guidance.scale * (v_pos - v_unc) - *guidance.negative_scale * (v_neg - v_unc);
}

torch::Tensor combine_branches(const torch::Tensor& v_all, const Guidance& guidance) {
  auto branches = v_all.chunk(guidance.branches(), 0);
  return combine_guidance(branches[0], branches[1], guidance.negative_scale ? branches[2] : torch::Tensor(), guidance);
}

std::vector<double> timestep_schedule(int steps, double shift, double start) {
  std::vector<double> times;
  for (int i = 0; i <= steps; ++i) {
    const double t = 1.0 - static_cast<double>(i) / steps;
    times.push_back(start * shift * t / (1.0 + (shift - 1.0) * t));
  }
  return times;
}

namespace {

// Evaluates the guided velocity of the whole batch in one model call.
class GuidedVelocity {
 public:
  GuidedVelocity(VelocityModel& model, const SamplingInputs& inputs, const Guidance& guidance)
      : model_(model), guidance_(guidance), requests_(inputs.noise.size(0)) {
    const int branches = guidance.branches();
    cond_frames_ = inputs.cond_frames.repeat({branches, 1, 1, 1, 1});
    cond_mask_ = inputs.cond_mask.repeat({branches, 1, 1, 1, 1});
  }

  torch::Tensor operator()(const torch::Tensor& x, double t) {
    const int branches = guidance_.branches();
    torch::Tensor times = torch::full({requests_ * branches}, t, x.options().dtype(torch::kFloat32));
    torch::Tensor v = model_.velocity(x.repeat({branches, 1, 1, 1, 1}), times, cond_frames_, cond_mask_);
    return combine_branches(v.to(torch::kFloat32), guidance_);
  }

 private:
  VelocityModel& model_;
  Guidance guidance_;
  std::int64_t requests_;
  torch::Tensor cond_frames_, cond_mask_;
};

}  // namespace

torch::Tensor sample(VelocityModel& model, const SamplingInputs& inputs, const SamplerSettings& settings,
                     const SamplingHooks& hooks) {
  if (settings.steps < 1) throw Error("steps must be at least 1", "sampler settings", "pass --steps 1 or more");
  if (!(settings.shift > 0.0)) throw Error("shift must be positive", "sampler settings", "use a shift such as 1.0 or 3.0");
  const Guidance guidance{settings.guidance, settings.negative_scale};
  GuidedVelocity velocity(model, inputs, guidance);
  const torch::Tensor given = inputs.cond_mask.to(torch::kBool);
  const torch::Tensor clean = inputs.cond_frames.to(inputs.noise.scalar_type());
  auto keep_given = [&](const torch::Tensor& x) { return torch::where(given, clean, x); };

  if (settings.guide_share != 0.0 && !inputs.guide.defined())
    throw Error("a guide share without a guide clip", "sampler settings", "give guide frames or a guide share of 0");
  // A guide enters as training noises a clip, x_t = (1−t)·x0 + t·ε, so the model meets it at a
  // time it was trained for and reads the guide's coarse layout through the noise.
  const double start = 1.0 - settings.guide_share;
  const std::vector<double> times = timestep_schedule(settings.steps, settings.shift, start);
  torch::Tensor x = keep_given(inputs.guide.defined() ? (1.0 - start) * inputs.guide.to(inputs.noise.scalar_type()) +
                                                           start * inputs.noise
                                                     : inputs.noise);
  for (int i = 0; i < settings.steps; ++i) {
    if (hooks.before_step) hooks.before_step();
    const double t = times[static_cast<std::size_t>(i)], t_next = times[static_cast<std::size_t>(i) + 1];
    const double dt = t_next - t;
    torch::Tensor v = velocity(x, t);
    if (settings.method == SamplerSettings::Method::Heun && t_next > 0.0) {
      // Heun: average the slope at both ends of the step (the last step to t = 0 stays Euler,
      // where the velocity at pure data is least reliable).
      torch::Tensor x_euler = keep_given(x + dt * v);
      torch::Tensor v_next = velocity(x_euler, t_next);
      x = keep_given(x + dt * 0.5 * (v + v_next));
    } else {
      x = keep_given(x + dt * v);
    }
    if (hooks.after_step) hooks.after_step(i + 1, settings.steps);
  }
  return x;
}

}  // namespace shotgen::engine
