#include "engine/runtime/moving_noise.h"

#include <cmath>
#include <vector>

namespace shotgen::engine {
namespace {

// Source cell along one axis of `size` cells for target cell `i`: undo the translation, then the
// magnification about the centre, then wrap.
std::int64_t source_cell(std::int64_t i, std::int64_t size, double translation, double zoom) {
  const double centre = 0.5 * static_cast<double>(size);
  const double position = centre + (static_cast<double>(i) + 0.5 - translation - centre) / zoom;
  const auto cell = static_cast<std::int64_t>(std::floor(position));
  return ((cell % size) + size) % size;
}

}  // namespace

torch::Tensor move_with_camera(const torch::Tensor& field, int frames, const CameraMotion& motion, int first) {
  const std::int64_t channels = field.size(0), height = field.size(1), width = field.size(2);
  if (motion.is_static()) return field.unsqueeze(1).expand({channels, frames, height, width}).contiguous();
  const torch::Tensor flat = field.reshape({channels, height * width});
  const int smallest = motion.scale >= 1.0 ? 0 : frames - 1;
  std::vector<torch::Tensor> moved;
  moved.reserve(static_cast<std::size_t>(frames));
  for (int f = 0; f < frames; ++f) {
    const double zoom = std::pow(motion.scale, f - smallest);
    const double tx = std::round((first + f) * motion.dx), ty = std::round((first + f) * motion.dy);
    std::vector<std::int64_t> index(static_cast<std::size_t>(height * width));
    for (std::int64_t y = 0; y < height; ++y) {
      const std::int64_t row = source_cell(y, height, ty, zoom) * width;
      for (std::int64_t x = 0; x < width; ++x)
        index[static_cast<std::size_t>(y * width + x)] = row + source_cell(x, width, tx, zoom);
    }
    const torch::Tensor cells = torch::tensor(index, torch::kLong);
    moved.push_back(flat.index_select(1, cells).reshape({channels, height, width}));
  }
  return torch::stack(moved, 1);
}

}  // namespace shotgen::engine
