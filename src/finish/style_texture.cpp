#include "finish/style_texture.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "analyze/motion.h"
#include "analyze/planes.h"
#include "finish/finish_decisions.h"
#include "finish/pixel_math.h"
#include "world/rng.h"

namespace shotgen::finish {
namespace {

// The world's texture amplitudes (world/world.cpp shades its canvas with them).
constexpr float kGrainGain = 0.045f, kGrainOffset = 0.02f;
constexpr float kStrokeGain = 0.2f, kStrokeOffset = 0.02f;
constexpr float kStrokeLength = 3.5f, kStrokeWidth = 0.8f;  // pixels along / across a stroke
// Two fills whose colours' luma differ by more than this get an outline between them; closer ones
// are bands of one surface (a sky's gradient) and stay unlined.
constexpr float kOutlineContrast = 0.12f;
constexpr float kOutlineShade = 0.15f;  // the world's: an outline pixel keeps 15 % of its fill
constexpr int kColourIterations = 10;
constexpr int kDistinctColours = 3;  // of the kFlatColours, started from the clip's most distinct pixels
// A pixel brighter than its 3x3 median by more than this (luma) is a particle: rain, snow, a spark.
constexpr float kParticleLift = 0.12f;
// A pixel keeps its previous frame's fill while that fill's colour is at most this many times
// farther from its own than the nearest main colour.
constexpr float kFillHysteresis = 3.0f;
constexpr int kSurfaceRadius = 2;  // a fill's colour is read in a 5x5 neighbourhood
constexpr float kSurfaceTolerance = 0.2f;  // RGB distance within which a neighbour is the same surface

// Where a frame's pixels lie in the scene: pixel p shows scene point scale * p + offset, in frame
// 0's pixel coordinates.
struct SceneMap {
  double scale = 1, x0 = 0, y0 = 0;
};

std::vector<SceneMap> scene_maps(const Clip& clip) {
  std::vector<SceneMap> maps(clip.frames.size());
  const std::vector<analyze::FrameStep> steps = analyze::frame_steps(analyze::planes_of(clip));
  const double cx = (clip.width() - 1) / 2.0, cy = (clip.height() - 1) / 2.0;
  for (std::size_t t = 1; t < maps.size(); ++t) {
    // Frame t shows at p what frame t-1 showed at (p - c - d) / s + c (the step maps x to
    // s (x - c) + c + d); composed with frame t-1's map.
    const analyze::FrameStep& step = steps[t - 1];
    const SceneMap& before = maps[t - 1];
    maps[t].scale = before.scale / step.scale;
    maps[t].x0 = before.scale * (cx - (cx + step.dx) / step.scale) + before.x0;
    maps[t].y0 = before.scale * (cy - (cy + step.dy) / step.scale) + before.y0;
  }
  return maps;
}

// Texture `n` in [-1, 1] on one pixel as the world shades a surface: its value scaled by
// (1 + gain n), plus offset n so that dark surfaces keep some texture.
void modulate(std::uint8_t* pixel, float n, float gain, float offset) {
  for (int c = 0; c < 3; ++c) pixel[c] = to_byte((pixel[c] / 255.0f * (1 + gain * n) + offset * n) * 255.0f);
}

// Grain or strokes, fixed to the scene: `texture(u, v)` in [-1, 1] at scene point (u, v).
template <class Texture>
Clip draw_scene_texture(const Clip& clip, float gain, float offset, Texture&& texture) {
  const std::vector<SceneMap> maps = scene_maps(clip);
  Clip out = clip;
  for (std::size_t t = 0; t < out.frames.size(); ++t) {
    Image& frame = out.frames[t];
    for (int y = 0; y < frame.height; ++y)
      for (int x = 0; x < frame.width; ++x) {
        const double u = maps[t].scale * x + maps[t].x0, v = maps[t].scale * y + maps[t].y0;
        modulate(frame.pixel(x, y), texture(u, v), gain, offset);
      }
  }
  return out;
}

using Colour = std::array<float, 3>;

float colour_luma(const Colour& c) { return luma(c[0], c[1], c[2]); }

float distance2(const Colour& a, const Colour& b) {
  const float r = a[0] - b[0], g = a[1] - b[1], bl = a[2] - b[2];
  return r * r + g * g + bl * bl;
}

int nearest(const std::vector<Colour>& centres, const Colour& c) {
  int best = 0;
  for (int k = 1; k < static_cast<int>(centres.size()); ++k)
    if (distance2(centres[k], c) < distance2(centres[best], c)) best = k;
  return best;
}

// The clip's main colours: k-means over every pixel of every frame, deterministic. It starts from
// the means of equal luma bands (the large surfaces, each band of the picture with a colour of its
// own), then adds, kDistinctColours times, the pixel farthest from every colour chosen so far, so a
// small figure of its own colour keeps it instead of being outvoted by the surfaces around it.
std::vector<Colour> main_colours(const std::vector<Colour>& pixels) {
  constexpr int bands = kFlatColours - kDistinctColours;
  std::vector<std::size_t> by_luma(pixels.size());
  for (std::size_t i = 0; i < by_luma.size(); ++i) by_luma[i] = i;
  std::stable_sort(by_luma.begin(), by_luma.end(),
                   [&](std::size_t a, std::size_t b) { return colour_luma(pixels[a]) < colour_luma(pixels[b]); });
  std::vector<Colour> centres(bands, Colour{0, 0, 0});
  for (int k = 0; k < bands; ++k) {
    const std::size_t begin = by_luma.size() * k / bands, end = by_luma.size() * (k + 1) / bands;
    for (std::size_t i = begin; i < end; ++i)
      for (int c = 0; c < 3; ++c) centres[k][c] += pixels[by_luma[i]][c] / static_cast<float>(end - begin);
  }
  std::vector<float> nearest2(pixels.size());
  for (std::size_t i = 0; i < pixels.size(); ++i) nearest2[i] = distance2(pixels[i], centres[nearest(centres, pixels[i])]);
  while (static_cast<int>(centres.size()) < kFlatColours) {
    const auto farthest = static_cast<std::size_t>(std::max_element(nearest2.begin(), nearest2.end()) - nearest2.begin());
    centres.push_back(pixels[farthest]);
    for (std::size_t i = 0; i < pixels.size(); ++i) nearest2[i] = std::min(nearest2[i], distance2(pixels[i], centres.back()));
  }
  for (int iteration = 0; iteration < kColourIterations; ++iteration) {
    std::vector<Colour> sums(kFlatColours, Colour{0, 0, 0});
    std::vector<std::size_t> counts(kFlatColours, 0);
    for (const Colour& p : pixels) {
      const int k = nearest(centres, p);
      for (int c = 0; c < 3; ++c) sums[k][c] += p[c];
      ++counts[k];
    }
    for (int k = 0; k < kFlatColours; ++k)  // an emptied colour keeps its place
      if (counts[k] > 0)
        for (int c = 0; c < 3; ++c) centres[k][c] = sums[k][c] / static_cast<float>(counts[k]);
  }
  return centres;
}

// Each pixel's label replaced by the most common one of its 3x3 neighbourhood (its own on a tie):
// fills get clean edges and lone pixels of another colour go.
std::vector<int> majority3x3(const std::vector<int>& labels, int w, int h) {
  std::vector<int> out(labels.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::array<int, kFlatColours> votes{};
      for (int yy = std::max(0, y - 1); yy <= std::min(h - 1, y + 1); ++yy)
        for (int xx = std::max(0, x - 1); xx <= std::min(w - 1, x + 1); ++xx)
          ++votes[labels[static_cast<std::size_t>(yy) * w + xx]];
      const int own = labels[static_cast<std::size_t>(y) * w + x];
      int best = own;
      for (int k = 0; k < kFlatColours; ++k)
        if (votes[k] > votes[best]) best = k;
      out[static_cast<std::size_t>(y) * w + x] = best;
    }
  return out;
}

// Each pixel's colour as the mean of the pixels of its 5x5 neighbourhood whose colour is within
// kSurfaceTolerance of its own: the colour of the surface it lies on without the texture drawn
// over it (strokes, grain, speckle), while a small figure on another surface keeps its own.
void surface_colours(const Image& frame, std::vector<Colour>& out) {
  const int w = frame.width, h = frame.height;
  const auto colour = [&](int x, int y) {
    const std::uint8_t* p = frame.pixel(x, y);
    return Colour{p[0] / 255.0f, p[1] / 255.0f, p[2] / 255.0f};
  };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const Colour own = colour(x, y);
      Colour sum{0, 0, 0};
      int n = 0;
      for (int yy = std::max(0, y - kSurfaceRadius); yy <= std::min(h - 1, y + kSurfaceRadius); ++yy)
        for (int xx = std::max(0, x - kSurfaceRadius); xx <= std::min(w - 1, x + kSurfaceRadius); ++xx) {
          const Colour c = colour(xx, yy);
          if (distance2(c, own) > kSurfaceTolerance * kSurfaceTolerance) continue;
          for (int k = 0; k < 3; ++k) sum[k] += c[k];
          ++n;
        }
      out.push_back({sum[0] / n, sum[1] / n, sum[2] / n});  // n >= 1: the pixel itself
    }
}

Clip draw_flat_fills(const Clip& clip) {
  const int w = clip.width(), h = clip.height();
  std::vector<Colour> pixels;
  pixels.reserve(static_cast<std::size_t>(w) * h * clip.frames.size());
  for (const Image& frame : clip.frames) surface_colours(frame, pixels);
  const std::vector<Colour> centres = main_colours(pixels);

  // A surface between two of the main colours would flip between them as the model's drawing
  // breathes from frame to frame; it keeps the fill it had in the previous frame (at the point the
  // camera moved it from) unless another colour is clearly nearer.
  const std::vector<analyze::Planes> planes = analyze::planes_of(clip);
  const std::vector<analyze::FrameStep> steps = analyze::frame_steps(planes);
  const float cx = (w - 1) / 2.0f, cy = (h - 1) / 2.0f;
  Clip out;
  out.frames.reserve(clip.frames.size());
  std::vector<int> labels(static_cast<std::size_t>(w) * h), fills;
  for (std::size_t t = 0; t < clip.frames.size(); ++t) {
    const std::size_t first = t * labels.size();
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const std::size_t p = static_cast<std::size_t>(y) * w + x;
        const Colour& c = pixels[first + p];
        int label = nearest(centres, c);
        if (t > 0) {
          const analyze::FrameStep& step = steps[t - 1];
          const auto sx = static_cast<int>(std::lround((x - step.dx - cx) / step.scale + cx));
          const auto sy = static_cast<int>(std::lround((y - step.dy - cy) / step.scale + cy));
          if (sx >= 0 && sy >= 0 && sx < w && sy < h) {
            const int before = fills[static_cast<std::size_t>(sy) * w + sx];
            if (distance2(centres[before], c) <= kFillHysteresis * kFillHysteresis * distance2(centres[label], c))
              label = before;
          }
        }
        labels[p] = label;
      }
    fills = majority3x3(labels, w, h);
    // Rain, snow and sparks are drawn over the fills as they were: the world's flat clips have
    // them too, and a fill would swallow them.
    const std::vector<float>& luma = planes[t].luma;
    const std::vector<float> background = analyze::median3x3(luma, w, h);
    Image frame(w, h);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const std::size_t p = static_cast<std::size_t>(y) * w + x;
        std::uint8_t* px = frame.pixel(x, y);
        if (luma[p] - background[p] > kParticleLift) {
          std::copy_n(clip.frames[t].pixel(x, y), 3, px);
          continue;
        }
        const int own = fills[p];
        // A one-pixel line on the near side of an edge between fills of different brightness.
        bool outline = false;
        for (const auto [nx, ny] : {std::array<int, 2>{x + 1, y}, std::array<int, 2>{x, y + 1}}) {
          if (nx >= w || ny >= h) continue;
          const int other = fills[static_cast<std::size_t>(ny) * w + nx];
          outline = outline || (other != own &&
                                std::abs(colour_luma(centres[own]) - colour_luma(centres[other])) > kOutlineContrast);
        }
        const float shade = outline ? kOutlineShade : 1.0f;
        for (int c = 0; c < 3; ++c) px[c] = to_byte(centres[own][c] * shade * 255.0f);
      }
    out.frames.push_back(std::move(frame));
  }
  return out;
}

}  // namespace

std::optional<world::Style> texture_style(std::string_view positive, world::Style drawn) {
  return missed(world::style_from_words(positive), drawn);
}

Clip draw_style_texture(const Clip& clip, world::Style style, std::uint64_t seed) {
  if (clip.frames.empty() || clip.width() < 3 || clip.height() < 3) return clip;
  world::Rng rng(seed ^ 0x5747C1E7E87u);
  const std::uint64_t salt = rng.next();
  switch (style) {
    case world::Style::Photoreal:
      return draw_scene_texture(clip, kGrainGain, kGrainOffset, [&](double u, double v) {
        return world::hash01(static_cast<std::int64_t>(std::floor(u)), static_cast<std::int64_t>(std::floor(v)), salt) * 2 - 1;
      });
    case world::Style::Painterly: {
      // One stroke direction per take, as the world draws one per clip: between 20 and 70 degrees
      // from the horizontal, rising or falling.
      const float angle = rng.range(0.35f, 1.2f) * (rng.chance(0.5) ? 1.0f : -1.0f);
      const float ca = std::cos(angle), sa = std::sin(angle);
      return draw_scene_texture(clip, kStrokeGain, kStrokeOffset, [&](double u, double v) {
        const auto x = static_cast<float>(u), y = static_cast<float>(v);
        return world::value_noise((x * ca + y * sa) / kStrokeLength, (-x * sa + y * ca) / kStrokeWidth, salt) * 2 - 1;
      });
    }
    case world::Style::Flat2D:
      return draw_flat_fills(clip);
  }
  return clip;
}

}  // namespace shotgen::finish
