#include "analyze/planes.h"

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

}  // namespace shotgen::analyze
