#pragma once
// HSV <-> RGB on floats in [0, 1] (hue in degrees). The world builds colours in HSV because
// lighting sets value and the palette sets hue and saturation independently; the analyzers
// read them back the same way.
#include <algorithm>
#include <cmath>

namespace shotgen::world {

struct Rgb {
  float r = 0, g = 0, b = 0;
};
struct Hsv {
  float h = 0, s = 0, v = 0;  // h in [0, 360)
};

inline Rgb hsv_to_rgb(Hsv c) {
  const float h = std::fmod(std::fmod(c.h, 360.0f) + 360.0f, 360.0f) / 60.0f;
  const float s = std::clamp(c.s, 0.0f, 1.0f);
  const float v = std::clamp(c.v, 0.0f, 1.0f);
  const int sector = static_cast<int>(h) % 6;
  const float f = h - std::floor(h);
  const float p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  switch (sector) {
    case 0: return {v, t, p};
    case 1: return {q, v, p};
    case 2: return {p, v, t};
    case 3: return {p, q, v};
    case 4: return {t, p, v};
    default: return {v, p, q};
  }
}

inline Hsv rgb_to_hsv(Rgb c) {
  const float mx = std::max({c.r, c.g, c.b});
  const float mn = std::min({c.r, c.g, c.b});
  const float d = mx - mn;
  Hsv out{0, mx > 0 ? d / mx : 0, mx};
  if (d <= 0) return out;
  if (mx == c.r) out.h = 60.0f * std::fmod((c.g - c.b) / d + 6.0f, 6.0f);
  else if (mx == c.g) out.h = 60.0f * ((c.b - c.r) / d + 2.0f);
  else out.h = 60.0f * ((c.r - c.g) / d + 4.0f);
  return out;
}

// Rec. 709 luma.
inline float luma(Rgb c) { return 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b; }

}  // namespace shotgen::world
