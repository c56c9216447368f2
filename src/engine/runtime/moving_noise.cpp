#include "engine/runtime/moving_noise.h"

#include <cmath>
#include <map>
#include <vector>

namespace shotgen::engine {
namespace {

// Source sub-cell along one axis of `size` sub-cells for target sub-cell `i`: undo the translation,
// then the magnification about the centre, then wrap.
std::int64_t source_cell(std::int64_t i, std::int64_t size, double translation, double zoom) {
  const double centre = 0.5 * static_cast<double>(size);
  const double position = centre + (static_cast<double>(i) + 0.5 - translation - centre) / zoom;
  const auto cell = static_cast<std::int64_t>(std::floor(position));
  return ((cell % size) + size) % size;
}

// Along one axis of `cells` grid cells, k sub-positions each: the source sub-cell of every
// sub-position ([cell·k + s]) and, per cell, Σ over its distinct source sub-cells of (times hit)².
struct AxisSources {
  std::vector<std::int64_t> source;
  std::vector<double> squared_hits;
};

AxisSources axis_sources(std::int64_t cells, int k, double translation, double zoom) {
  AxisSources axis;
  axis.source.reserve(static_cast<std::size_t>(cells * k));
  for (std::int64_t c = 0; c < cells; ++c) {
    std::map<std::int64_t, int> hits;
    for (int s = 0; s < k; ++s) {
      const std::int64_t source = source_cell(c * k + s, cells * k, translation, zoom);
      axis.source.push_back(source);
      ++hits[source];
    }
    double squared = 0;
    for (const auto& [source, count] : hits) squared += static_cast<double>(count) * count;
    axis.squared_hits.push_back(squared);
  }
  return axis;
}

}  // namespace

torch::Tensor move_with_camera(const torch::Tensor& field, int frames, const CameraMotion& motion, int first,
                               int subcells) {
  const int k = subcells;
  const std::int64_t channels = field.size(0), height = field.size(1) / k, width = field.size(2) / k;
  const torch::Tensor flat = field.reshape({channels, field.size(1) * field.size(2)});
  const int smallest = motion.scale >= 1.0 ? 0 : frames - 1;
  std::vector<torch::Tensor> moved;
  moved.reserve(static_cast<std::size_t>(frames));
  for (int f = 0; f < frames; ++f) {
    if (f > 0 && motion.is_static()) {
      moved.push_back(moved.front());
      continue;
    }
    const double zoom = std::pow(motion.scale, f - smallest);
    const AxisSources rows = axis_sources(height, k, std::round((first + f) * motion.dy * k), zoom);
    const AxisSources columns = axis_sources(width, k, std::round((first + f) * motion.dx * k), zoom);
    // Gather [C, H·W, k·k] (each cell's sub-positions together), sum them, and scale each cell to
    // unit variance: the sources of a cell are the row sources × the column sources, so its
    // Σ(hits²) is the product of the two axes'.
    std::vector<std::int64_t> index;
    index.reserve(static_cast<std::size_t>(height * width * k * k));
    std::vector<float> scale;
    scale.reserve(static_cast<std::size_t>(height * width));
    const std::int64_t fine_width = width * k;
    for (std::int64_t y = 0; y < height; ++y)
      for (std::int64_t x = 0; x < width; ++x) {
        for (int sy = 0; sy < k; ++sy)
          for (int sx = 0; sx < k; ++sx)
            index.push_back(rows.source[static_cast<std::size_t>(y * k + sy)] * fine_width +
                            columns.source[static_cast<std::size_t>(x * k + sx)]);
        scale.push_back(static_cast<float>(
            1.0 / std::sqrt(rows.squared_hits[static_cast<std::size_t>(y)] *
                            columns.squared_hits[static_cast<std::size_t>(x)])));
      }
    const torch::Tensor gathered = flat.index_select(1, torch::tensor(index, torch::kLong));
    torch::Tensor cells = gathered.reshape({channels, height * width, k * k});
    // One sub-cell per cell (k = 1) is the cell itself: no sum, no scale, the values bit for bit.
    cells = k == 1 ? cells.squeeze(2) : cells.sum(2) * torch::tensor(scale, torch::kFloat32);
    moved.push_back(cells.reshape({channels, height, width}));
  }
  return torch::stack(moved, 1);
}

}  // namespace shotgen::engine
