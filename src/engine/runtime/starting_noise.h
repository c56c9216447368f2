#pragma once
// The noise a batch of requests starts sampling from. Each request's noise comes from its own seed
// (CPU generator), so a result does not depend on the device's RNG or on the other requests of its
// batch. With a frame noise correlation a, ε_f = √(1−a)·ε_f' + √a·ε_shared; with noise that follows
// the camera, ε_shared moves as the request's camera motion asks
// (moving_noise.h). Private to engine (exposes libtorch).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "core/camera_motion.h"
#include "engine/engine.h"

namespace shotgen::engine {

class StartingNoise {
 public:
  // data_shape: one request's [C,T,H,W] in the denoiser's space; grid_factor: pixels per cell;
  // camera_noise_subcells: the model's (config.h), how finely the shared part moves.
  StartingNoise(const std::vector<GenerationRequest>& batch, const std::vector<std::int64_t>& data_shape,
                const SamplerSettings& settings, std::int64_t grid_factor, int camera_noise_subcells);
  // The noise of frames [start, start+length) of every request, [R,C,length,H,W] on the CPU. The
  // shared part's translation continues over the whole clip; a zoom starts again in each window
  // (moving_noise.h says why).
  torch::Tensor window(int start, int length) const;

 private:
  torch::Tensor own_;     // [R,C,T,H,W]: √(1−a)·ε', or ε' without correlation
  torch::Tensor shared_;  // [R,C,H·k,W·k]: √a·ε_shared in k×k sub-cells; undefined without correlation
  int subcells_ = 1;      // k: the model's camera_noise_subcells where the noise follows the camera, else 1
  std::vector<CameraMotion> motions_;  // per request, in grid cells (static unless the noise follows the camera)
};

}  // namespace shotgen::engine
