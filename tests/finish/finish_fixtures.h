#pragma once
// Shared by the finishing tests: test images, the pixel comparison every Vulkan-vs-CPU test
// makes, and one Vulkan device per test process (lavapipe on machines without a GPU).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "analyze/motion.h"
#include "analyze/palette.h"
#include "analyze/planes.h"
#include "analyze/style.h"
#include "core/image.h"
#include "finish/gpu_passes.h"
#include "finish/vulkan_context.h"

namespace shotgen::finish::testing {

// Pixels from a fixed-seed generator: every value 0..255 occurs, in no spatial pattern.
inline Image noise_image(int width, int height, std::uint32_t seed) {
  Image image(width, height);
  std::uint32_t state = seed * 2654435761u + 1;
  for (auto& v : image.rgb) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<std::uint8_t>(state >> 24);
  }
  return image;
}

// Smooth colour ramps with a hard diagonal edge: what upscaling and grading care about.
inline Image gradient_image(int width, int height) {
  Image image(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = image.pixel(x, y);
      p[0] = static_cast<std::uint8_t>(255 * x / std::max(1, width - 1));
      p[1] = static_cast<std::uint8_t>(255 * y / std::max(1, height - 1));
      p[2] = x > y * width / height ? 200 : 40;
    }
  return image;
}

// The largest difference of any channel of any pixel (255 when the sizes differ).
inline int max_difference(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height) return 255;
  int worst = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) worst = std::max(worst, std::abs(int(a.rgb[i]) - int(b.rgb[i])));
  return worst;
}

// The machine's Vulkan device, shared by the tests of one process. Fails the test when there is
// none: CI installs lavapipe (mesa-vulkan-drivers, scripts/setup.sh).
inline GpuPasses& gpu() {
  static std::unique_ptr<GpuPasses> passes = [] {
    auto context = VulkanContext::create();
    if (!context) return std::unique_ptr<GpuPasses>();
    return std::make_unique<GpuPasses>(std::move(context).value());
  }();
  if (!passes) {
    ADD_FAILURE() << "no Vulkan device: " << VulkanContext::create().problem().message();
    throw std::runtime_error("no Vulkan device");
  }
  return *passes;
}

// What the analyzers measure on a clip (its take's analysis would record the same): the camera
// move, style and palette the finishing's decisions compare with the prompt's.
inline world::CameraMove drawn_camera_move(const Clip& clip) {
  return analyze::measure_motion(analyze::planes_of(clip)).camera;
}
inline world::Style drawn_style(const Clip& clip) { return analyze::measure_style(analyze::planes_of(clip)).style; }
inline world::Palette drawn_palette(const Clip& clip) {
  return analyze::measure_palette(analyze::planes_of(clip)).palette;
}

}  // namespace shotgen::finish::testing
