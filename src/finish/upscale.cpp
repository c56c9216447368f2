#include "finish/upscale.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "finish/pixel_math.h"

namespace shotgen::finish {
namespace {

constexpr int kMaxTaps = 32;  // per axis; kMaxDownscale keeps the support below it
constexpr float kPi = 3.14159265358979f;

float kernel_weight(float t, film::UpscaleKernel kernel) {
  t = std::fabs(t);
  if (kernel == film::UpscaleKernel::Bilinear) return std::max(0.0f, 1.0f - t);
  if (t >= 3.0f) return 0.0f;
  if (t < 1e-6f) return 1.0f;
  const float a = kPi * t;
  return 3.0f * std::sin(a) * std::sin(a / 3.0f) / (a * a);
}

// The taps of output coordinate `o` along one axis, appended to `table` as one `stride` entry.
void append_taps(std::vector<float>& table, int stride, int o, float crop_origin, float crop_extent,
                 int picture_origin, int picture_size, film::UpscaleKernel kernel) {
  const float scale = crop_extent / static_cast<float>(picture_size);
  const float filter_scale = std::max(1.0f, scale);
  const float radius = (kernel == film::UpscaleKernel::Bilinear ? 1.0f : 3.0f) * filter_scale;
  const float center = crop_origin + (static_cast<float>(o - picture_origin) + 0.5f) * scale - 0.5f;
  const int first = static_cast<int>(std::floor(center - radius)) + 1;
  const int count = std::min(static_cast<int>(std::floor(center + radius)) - first + 1, stride - 3);
  const std::size_t entry = table.size();
  table.resize(entry + stride, 0.0f);
  float total = 0;
  for (int i = 0; i < count; ++i) {
    const float weight = kernel_weight((static_cast<float>(first + i) - center) / filter_scale, kernel);
    table[entry + 3 + i] = weight;
    total += weight;
  }
  table[entry] = static_cast<float>(first);
  table[entry + 1] = static_cast<float>(count);
  table[entry + 2] = total;
}

}  // namespace

UpscaleGeometry upscale_geometry(int source_width, int source_height, int target_width, int target_height,
                                 film::FrameFit fit) {
  const std::string sizes = std::to_string(source_width) + "x" + std::to_string(source_height) + " to " +
                            std::to_string(target_width) + "x" + std::to_string(target_height);
  if (source_width <= 0 || source_height <= 0 || target_width <= 0 || target_height <= 0)
    throw Error("cannot upscale " + sizes, "finish.upscale", "sizes must be positive");
  UpscaleGeometry g{source_width, source_height, target_width, target_height};
  g.crop_width = static_cast<float>(source_width);
  g.crop_height = static_cast<float>(source_height);
  g.picture_width = target_width;
  g.picture_height = target_height;
  const double source_aspect = static_cast<double>(source_width) / source_height;
  const double target_aspect = static_cast<double>(target_width) / target_height;
  if (fit == film::FrameFit::Crop) {
    // Show the centred part of the source that has the target's aspect.
    if (source_aspect > target_aspect) {
      g.crop_width = static_cast<float>(source_height * target_aspect);
      g.crop_x = (static_cast<float>(source_width) - g.crop_width) / 2;
    } else if (source_aspect < target_aspect) {
      g.crop_height = static_cast<float>(source_width / target_aspect);
      g.crop_y = (static_cast<float>(source_height) - g.crop_height) / 2;
    }
  } else {
    // The whole source, as large as fits, centred between black bars.
    if (source_aspect > target_aspect) {
      g.picture_height = std::max(1, static_cast<int>(std::lround(target_width / source_aspect)));
      g.picture_y = (target_height - g.picture_height) / 2;
    } else if (source_aspect < target_aspect) {
      g.picture_width = std::max(1, static_cast<int>(std::lround(target_height * source_aspect)));
      g.picture_x = (target_width - g.picture_width) / 2;
    }
  }
  if (g.crop_width / g.picture_width > kMaxDownscale || g.crop_height / g.picture_height > kMaxDownscale)
    throw Error("cannot scale " + sizes + ": more than " + std::to_string(static_cast<int>(kMaxDownscale)) +
                    "x smaller",
                "finish.upscale", "render at a generation size closer to [film] resolution");
  return g;
}

UpscaleTaps upscale_taps(const UpscaleGeometry& g, film::UpscaleKernel kernel) {
  // Room for the widest support: 2 * radius + 1 taps, radius = 3 (1 for bilinear) times the downscale.
  const float scale = std::max({1.0f, g.crop_width / g.picture_width, g.crop_height / g.picture_height});
  const int widest = static_cast<int>(std::ceil(2 * (kernel == film::UpscaleKernel::Bilinear ? 1 : 3) * scale)) + 1;
  UpscaleTaps taps{3 + std::min(widest, kMaxTaps), {}};
  taps.table.reserve(static_cast<std::size_t>(g.target_width + g.target_height) * taps.stride);
  for (int x = 0; x < g.target_width; ++x)
    append_taps(taps.table, taps.stride, x, g.crop_x, g.crop_width, g.picture_x, g.picture_width, kernel);
  for (int y = 0; y < g.target_height; ++y)
    append_taps(taps.table, taps.stride, y, g.crop_y, g.crop_height, g.picture_y, g.picture_height, kernel);
  return taps;
}

Image upscale_reference(const Image& source, const UpscaleGeometry& g, film::UpscaleKernel kernel) {
  const UpscaleTaps taps = upscale_taps(g, kernel);
  auto entry = [&](int index) { return taps.table.data() + static_cast<std::size_t>(index) * taps.stride; };

  // Horizontal pass over every source row (unnormalized, like the shader's inner loop) ...
  std::vector<float> horizontal(static_cast<std::size_t>(g.source_height) * g.target_width * 3);
  for (int y = 0; y < g.source_height; ++y)
    for (int x = 0; x < g.target_width; ++x) {
      const float* column = entry(x);
      const int first = static_cast<int>(column[0]), count = static_cast<int>(column[1]);
      float sum[3] = {0, 0, 0};
      for (int i = 0; i < count; ++i) {
        const std::uint8_t* p = source.pixel(std::clamp(first + i, 0, g.source_width - 1), y);
        for (int c = 0; c < 3; ++c) sum[c] += column[3 + i] * static_cast<float>(p[c]);
      }
      std::copy(sum, sum + 3, horizontal.begin() + (static_cast<std::size_t>(y) * g.target_width + x) * 3);
    }
  // ... then the vertical pass, normalized by both axes' weight sums.
  Image target(g.target_width, g.target_height);
  for (int y = 0; y < g.target_height; ++y) {
    if (y < g.picture_y || y >= g.picture_y + g.picture_height) continue;  // black
    const float* row = entry(g.target_width + y);
    const int first = static_cast<int>(row[0]), count = static_cast<int>(row[1]);
    for (int x = g.picture_x; x < g.picture_x + g.picture_width; ++x) {
      float sum[3] = {0, 0, 0};
      for (int j = 0; j < count; ++j) {
        const int sy = std::clamp(first + j, 0, g.source_height - 1);
        const float* h = &horizontal[(static_cast<std::size_t>(sy) * g.target_width + x) * 3];
        for (int c = 0; c < 3; ++c) sum[c] += row[3 + j] * h[c];
      }
      std::uint8_t* out = target.pixel(x, y);
      for (int c = 0; c < 3; ++c) out[c] = to_byte(sum[c] / (entry(x)[2] * row[2]));
    }
  }
  return target;
}

}  // namespace shotgen::finish
