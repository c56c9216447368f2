#pragma once
// The small pieces of arithmetic every CPU reference shares with shaders/common.glsl, so a pass
// and its shader round and weigh exactly alike.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace shotgen::finish {

// The nearest 8-bit value of `value` (0..255 scale): floor(v + 0.5) of the clamped value.
inline std::uint8_t to_byte(float value) {
  return static_cast<std::uint8_t>(std::floor(std::clamp(value, 0.0f, 255.0f) + 0.5f));
}

// Rec. 709 luma of a colour in [0, 1].
inline float luma(float r, float g, float b) { return 0.2126f * r + 0.7152f * g + 0.0722f * b; }

}  // namespace shotgen::finish
