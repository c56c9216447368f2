#include "finish/palette_match.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <vector>

#include "analyze/key.h"
#include "analyze/planes.h"
#include "finish/finish_decisions.h"
#include "finish/pixel_math.h"
#include "world/rng.h"
#include "world/world.h"

namespace shotgen::finish {
namespace {

constexpr int kRampSteps = 16;         // brightness ranks the ramp is read at (sixteenths of the clip)
constexpr float kDarkLuma = 0.02f;     // below this a pixel's colour relative to its luma is noise
constexpr int kReferenceFrames = 4;    // the world's clip the palette is read from
constexpr std::uint64_t kReferenceSalt = 0x9A1E77E5u;

using Colour = std::array<float, 3>;

// A clip's pixels as lumas and colours relative to them ((rgb - Y) / Y), all frames in one list.
struct Pixels {
  std::vector<float> luma;
  std::vector<Colour> relative;
};

Pixels pixels_of(const Clip& clip) {
  Pixels out;
  const std::size_t count = clip.frames.size() * static_cast<std::size_t>(clip.width()) * clip.height();
  out.luma.reserve(count);
  out.relative.reserve(count);
  for (const Image& frame : clip.frames)
    for (std::size_t i = 0; i < frame.rgb.size(); i += 3) {
      const float r = frame.rgb[i] / 255.0f, g = frame.rgb[i + 1] / 255.0f, b = frame.rgb[i + 2] / 255.0f;
      const float y = luma(r, g, b);
      out.luma.push_back(y);
      out.relative.push_back(y < kDarkLuma ? Colour{0, 0, 0} : Colour{(r - y) / y, (g - y) / y, (b - y) / y});
    }
  return out;
}

float length(const Colour& c) { return std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]); }

// Each pixel's brightness rank as a fraction of the clip in [0, 1), pixels of equal luma sharing
// the middle of their ranks (a flat fill gets one colour, not a gradient in scan order).
std::vector<float> brightness_ranks(const std::vector<float>& luma) {
  std::vector<std::size_t> order(luma.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return luma[a] < luma[b]; });
  std::vector<float> rank(luma.size());
  const float n = static_cast<float>(luma.size());
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start + 1;
    while (end < order.size() && luma[order[end]] == luma[order[start]]) ++end;
    const float middle = (static_cast<float>(start + end) / 2.0f) / n;
    for (std::size_t k = start; k < end; ++k) rank[order[k]] = middle;
    start = end;
  }
  return rank;
}

// A palette's colours from shadows to highlights: per sixteenth of the pixels by brightness, the
// direction of their mean relative colour with the mean of their relative colours' lengths (the
// mean alone would grey out a step whose pixels are of several hues).
struct Ramp {
  std::array<Colour, kRampSteps> colour{};
  float mean_length = 0;

  Colour at(float rank) const {
    const float position = std::clamp(rank * kRampSteps - 0.5f, 0.0f, static_cast<float>(kRampSteps - 1));
    const int low = static_cast<int>(position);
    const int high = std::min(low + 1, kRampSteps - 1);
    const float f = position - static_cast<float>(low);
    return {colour[low][0] + f * (colour[high][0] - colour[low][0]), colour[low][1] + f * (colour[high][1] - colour[low][1]),
            colour[low][2] + f * (colour[high][2] - colour[low][2])};
  }
};

Ramp ramp_of(const Pixels& pixels, const std::vector<float>& rank) {
  std::array<Colour, kRampSteps> sum{};
  std::array<float, kRampSteps> lengths{}, counts{};
  for (std::size_t i = 0; i < rank.size(); ++i) {
    const int step = std::min(static_cast<int>(rank[i] * kRampSteps), kRampSteps - 1);
    for (int c = 0; c < 3; ++c) sum[step][c] += pixels.relative[i][c];
    lengths[step] += length(pixels.relative[i]);
    counts[step] += 1;
  }
  Ramp ramp;
  float total = 0;
  int filled = 0;
  for (int s = 0; s < kRampSteps; ++s) {
    if (counts[s] == 0) continue;
    const float mean_length = lengths[s] / counts[s];
    const float direction = length(sum[s]);
    for (int c = 0; c < 3; ++c) ramp.colour[s][c] = direction > 1e-6f ? sum[s][c] / direction * mean_length : 0.0f;
    total += mean_length;
    ++filled;
  }
  // Steps no pixel fell in (a clip of a few distinct lumas: each luma's pixels share one rank) take
  // the colour of the nearest filled step below, or above where none is below.
  if (filled > 0) {
    int last = -1;
    for (int s = 0; s < kRampSteps; ++s) {
      if (counts[s] > 0) last = s;
      else if (last >= 0) ramp.colour[s] = ramp.colour[last];
    }
    const int first = static_cast<int>(std::find_if(counts.begin(), counts.end(), [](float n) { return n > 0; }) - counts.begin());
    for (int s = 0; s < first; ++s) ramp.colour[s] = ramp.colour[first];
  }
  ramp.mean_length = filled > 0 ? total / static_cast<float>(filled) : 0.0f;
  return ramp;
}

// A world clip in `palette` under `lighting` (clear air, a still camera; the rest drawn from the
// seed): the colours the model was trained to draw for that palette in that light.
Clip reference_clip(world::Palette palette, world::Lighting lighting, std::uint64_t seed, int width, int height) {
  world::Rng rng(seed ^ kReferenceSalt);
  world::ClipAttributes attributes = world::sample_attributes(rng);
  attributes.palette = palette;
  attributes.lighting = lighting;
  attributes.atmosphere = world::Atmosphere::Clear;
  attributes.camera = world::CameraMove::Static;
  attributes.mood = world::mood_for(attributes.lighting, attributes.palette, attributes.atmosphere);
  return world::render_clip(attributes, kReferenceFrames, width, height, rng.next());
}

// luma + chroma in RGB, the chroma shortened (never the luma changed) until every channel is in [0, 1].
Colour fitted(float y, Colour chroma) {
  float scale = 1;
  for (float c : chroma) {
    if (y + c > 1) scale = std::min(scale, (1 - y) / c);
    if (y + c < 0) scale = std::min(scale, y / -c);
  }
  scale = std::max(scale, 0.0f);
  return {y + scale * chroma[0], y + scale * chroma[1], y + scale * chroma[2]};
}

}  // namespace

std::optional<world::Palette> palette_to_match(std::string_view positive, world::Palette drawn) {
  return missed(world::palette_from_words(positive), drawn);
}

Clip match_palette(const Clip& clip, world::Palette palette, std::uint64_t seed) {
  if (clip.frames.empty() || clip.width() == 0 || clip.height() == 0) return clip;
  const world::Lighting light = analyze::measure_key(analyze::planes_of(clip)).lighting;
  const Pixels reference = pixels_of(reference_clip(palette, light, seed, clip.width(), clip.height()));
  const Ramp wanted = ramp_of(reference, brightness_ranks(reference.luma));
  const Pixels drawn = pixels_of(clip);
  const std::vector<float> rank = brightness_ranks(drawn.luma);
  const Ramp own = ramp_of(drawn, rank);
  // A pixel's difference from its rank's colour is its own (a figure against a wall of the same
  // brightness); it keeps it in the proportion the palette is as colourful as the clip, so a
  // monochrome palette keeps none and a palette never gets more colourful than the clip was.
  const float detail = own.mean_length > 1e-6f ? std::clamp(wanted.mean_length / own.mean_length, 0.0f, 1.0f) : 0.0f;
  Clip out = clip;
  std::size_t i = 0;
  for (Image& frame : out.frames)
    for (std::size_t p = 0; p < frame.rgb.size(); p += 3, ++i) {
      const float y = drawn.luma[i];
      const Colour base = wanted.at(rank[i]), mine = own.at(rank[i]);
      Colour chroma;
      for (int c = 0; c < 3; ++c) chroma[c] = y * (base[c] + detail * (drawn.relative[i][c] - mine[c]));
      const Colour rgb = fitted(y, chroma);
      for (int c = 0; c < 3; ++c) frame.rgb[p + c] = to_byte(rgb[c] * 255.0f);
    }
  return out;
}

}  // namespace shotgen::finish
