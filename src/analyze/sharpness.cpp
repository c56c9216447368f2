#include "analyze/sharpness.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "analyze/planes.h"
#include "core/error.h"

namespace shotgen::analyze {
namespace {

std::vector<float> luma_of(const Image& frame) {
  std::vector<float> luma(static_cast<std::size_t>(frame.width) * frame.height);
  for (std::size_t i = 0; i < luma.size(); ++i) {
    const std::uint8_t* p = frame.rgb.data() + 3 * i;
    luma[i] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
  }
  return luma;
}

}  // namespace

SharpnessMeasure measure_sharpness(const Clip& clip) {
  if (clip.frames.empty()) throw Error("clip has no frames", "sharpness", "measure a clip with at least one frame");
  SharpnessMeasure total;
  for (const Image& frame : clip.frames) {
    const int w = frame.width, h = frame.height;
    if (w < 3 || h < 3) throw Error("frame is smaller than 3x3", "sharpness", "measure frames of at least 3x3 pixels");
    const std::vector<float> luma = luma_of(frame);
    const std::vector<float> smooth = median3x3(luma, w, h);
    double noise = 0.0;
    for (std::size_t i = 0; i < luma.size(); ++i) noise += std::abs(luma[i] - smooth[i]);
    std::vector<float> gradients;
    gradients.reserve(static_cast<std::size_t>(w - 1) * (h - 1));
    for (int y = 0; y + 1 < h; ++y)
      for (int x = 0; x + 1 < w; ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * w + x;
        const float gx = smooth[i + 1] - smooth[i], gy = smooth[i + w] - smooth[i];
        gradients.push_back(std::sqrt(gx * gx + gy * gy));
      }
    const std::size_t top = std::max<std::size_t>(1, gradients.size() / 20);
    std::nth_element(gradients.begin(), gradients.begin() + static_cast<std::ptrdiff_t>(top), gradients.end(),
                     std::greater<float>());
    double strongest = 0.0;
    for (std::size_t i = 0; i < top; ++i) strongest += gradients[i];
    total.structure += strongest / static_cast<double>(top);
    total.isolated_noise += noise / static_cast<double>(luma.size());
  }
  const auto frames = static_cast<double>(clip.frames.size());
  return {total.structure / frames, total.isolated_noise / frames};
}

}  // namespace shotgen::analyze
