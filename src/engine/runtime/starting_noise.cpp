#include "engine/runtime/starting_noise.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "engine/runtime/moving_noise.h"

namespace shotgen::engine {

StartingNoise::StartingNoise(const std::vector<GenerationRequest>& batch, const std::vector<std::int64_t>& data_shape,
                             const SamplerSettings& settings, std::int64_t grid_factor, int camera_noise_subcells)
    : subcells_(settings.noise_follows_camera ? camera_noise_subcells : 1) {
  const double a = settings.frame_noise_correlation;
  std::vector<torch::Tensor> own, shared;
  for (const GenerationRequest& request : batch) {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(request.seed);
    torch::Tensor noise = torch::randn(data_shape, generator, torch::kFloat32);
    if (a > 0.0) {
      // Drawn after the frames' own noise, so a correlation of 0 gives the noise of before.
      own.push_back(std::sqrt(1.0 - a) * noise);
      shared.push_back(std::sqrt(a) * torch::randn({data_shape[0], data_shape[2] * subcells_,
                                                    data_shape[3] * subcells_},
                                                   generator, torch::kFloat32));
    } else {
      own.push_back(noise);
    }
    motions_.push_back(settings.noise_follows_camera ? request.camera_motion.on_grid(static_cast<int>(grid_factor))
                                                     : CameraMotion{});
  }
  own_ = torch::stack(own);
  if (!shared.empty()) shared_ = torch::stack(shared);
}

torch::Tensor StartingNoise::window(int start, int length) const {
  const torch::Tensor own = own_.narrow(2, start, length);
  if (!shared_.defined()) return own;
  std::vector<torch::Tensor> moved;
  for (std::size_t r = 0; r < motions_.size(); ++r)
    moved.push_back(move_with_camera(shared_[static_cast<std::int64_t>(r)], length, motions_[r], start, subcells_));
  return own + torch::stack(moved);
}

}  // namespace shotgen::engine
