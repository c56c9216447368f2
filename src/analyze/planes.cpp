#include "analyze/planes.h"

#include <algorithm>
#include <array>

namespace shotgen::analyze {

Planes planes_of(const Image& frame) {
  Planes p;
  p.width = frame.width;
  p.height = frame.height;
  const std::size_t n = static_cast<std::size_t>(frame.width) * frame.height;
  p.luma.resize(n);
  p.hsv.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const world::Rgb c{frame.rgb[3 * k] / 255.0f, frame.rgb[3 * k + 1] / 255.0f, frame.rgb[3 * k + 2] / 255.0f};
    p.luma[k] = world::luma(c);
    p.hsv[k] = world::rgb_to_hsv(c);
  }
  return p;
}

std::vector<Planes> planes_of(const Clip& clip) {
  std::vector<Planes> planes;
  planes.reserve(clip.frames.size());
  for (const Image& frame : clip.frames) planes.push_back(planes_of(frame));
  return planes;
}

std::vector<float> median3x3(const std::vector<float>& plane, int width, int height) {
  std::vector<float> out(plane.size());
  std::array<float, 9> window{};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      int k = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int xx = std::clamp(x + dx, 0, width - 1), yy = std::clamp(y + dy, 0, height - 1);
          window[k++] = plane[static_cast<std::size_t>(yy) * width + xx];
        }
      std::nth_element(window.begin(), window.begin() + 4, window.end());
      out[static_cast<std::size_t>(y) * width + x] = window[4];
    }
  return out;
}

}  // namespace shotgen::analyze
