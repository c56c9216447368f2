#pragma once
// Synthetic frames shared by the media tests.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/image.h"

namespace shotgen::testing {

// A smooth gradient that moves right by `frame` * 4 pixels: detail that H.264 keeps well, and
// motion so every frame differs.
inline Image moving_gradient(int width, int height, int frame) {
  Image image(width, height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = image.pixel(x, y);
      const double u = static_cast<double>(x + frame * 4) / width;
      const double v = static_cast<double>(y) / height;
      p[0] = static_cast<std::uint8_t>(40 + 170 * (0.5 + 0.5 * std::sin(u * 3.14159)));
      p[1] = static_cast<std::uint8_t>(30 + 180 * v);
      p[2] = static_cast<std::uint8_t>(200 - 120 * v * (0.5 + 0.5 * std::cos(u * 3.14159)));
    }
  }
  return image;
}

inline Clip moving_gradient_clip(int width, int height, int frames) {
  Clip clip;
  for (int t = 0; t < frames; ++t) clip.frames.push_back(moving_gradient(width, height, t));
  return clip;
}

inline Image solid(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image image(width, height);
  for (int i = 0; i < width * height; ++i) {
    image.rgb[i * 3] = r;
    image.rgb[i * 3 + 1] = g;
    image.rgb[i * 3 + 2] = b;
  }
  return image;
}

inline double psnr(const Image& a, const Image& b) {
  double squared = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) {
    const double d = static_cast<double>(a.rgb[i]) - b.rgb[i];
    squared += d * d;
  }
  const double mse = squared / static_cast<double>(a.rgb.size());
  return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// Names in a folder (temp files included), for "nothing left behind" checks.
inline int entries_in(const std::filesystem::path& folder) {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++count;
  return count;
}

}  // namespace shotgen::testing
