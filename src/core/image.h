#pragma once
// Frames as every stage exchanges them: 8-bit RGB, row-major, no padding.
#include <cstdint>
#include <vector>

namespace shotgen {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3 bytes

  Image() = default;
  Image(int w, int h) : width(w), height(h), rgb(static_cast<std::size_t>(w) * h * 3, 0) {}
  std::uint8_t* pixel(int x, int y) { return rgb.data() + (static_cast<std::size_t>(y) * width + x) * 3; }
  const std::uint8_t* pixel(int x, int y) const {
    return rgb.data() + (static_cast<std::size_t>(y) * width + x) * 3;
  }
  bool operator==(const Image&) const = default;
};

// A clip: frames of equal size in display order.
struct Clip {
  std::vector<Image> frames;
  int width() const { return frames.empty() ? 0 : frames.front().width; }
  int height() const { return frames.empty() ? 0 : frames.front().height; }
  int frame_count() const { return static_cast<int>(frames.size()); }
  bool operator==(const Clip&) const = default;
};

}  // namespace shotgen
