#pragma once
// Per-pixel planes the analyzers share: luma and HSV of a frame as floats in [0, 1].
#include <vector>

#include "core/image.h"
#include "world/color.h"

namespace shotgen::analyze {

struct Planes {
  int width = 0, height = 0;
  std::vector<float> luma;
  std::vector<world::Hsv> hsv;
  float at(int x, int y) const { return luma[static_cast<std::size_t>(y) * width + x]; }
};

Planes planes_of(const Image& frame);
// Every frame's planes, in order.
std::vector<Planes> planes_of(const Clip& clip);

// 3×3 median of a width × height plane, the border replicated: isolated pixels (speckle, rain and
// snow particles) go, edges of anything wider stay.
std::vector<float> median3x3(const std::vector<float>& plane, int width, int height);

}  // namespace shotgen::analyze
