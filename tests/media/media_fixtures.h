#pragma once
// Synthetic frames shared by the media tests.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>

#include <zlib.h>

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

inline void append_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

inline void append_chunk(std::string& out, const std::string& type, const std::string& data) {
  append_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::string body = type + data;
  out += body;
  append_u32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                                   static_cast<uInt>(body.size()))));
}

// A tiny PNG file (IHDR, an empty IDAT, IEND: 65 bytes) that declares `width` x `height` RGB pixels.
inline std::string png_declaring(std::uint32_t width, std::uint32_t height) {
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  append_u32(header, width);
  append_u32(header, height);
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace
  append_chunk(png, "IHDR", header);
  append_chunk(png, "IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8));
  append_chunk(png, "IEND", "");
  return png;
}

// Names in a folder (temp files included), for "nothing left behind" checks.
inline int entries_in(const std::filesystem::path& folder) {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++count;
  return count;
}

}  // namespace shotgen::testing
