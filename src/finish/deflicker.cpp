#include "finish/deflicker.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "analyze/motion.h"
#include "analyze/planes.h"
#include "finish/pixel_math.h"

namespace shotgen::finish {
namespace {

// A frame as floats (0..1), three channels interleaved.
struct FloatFrame {
  int width = 0, height = 0;
  std::vector<float> rgb;
};

FloatFrame to_float(const Image& image) {
  FloatFrame f{image.width, image.height, std::vector<float>(image.rgb.size())};
  for (std::size_t i = 0; i < image.rgb.size(); ++i) f.rgb[i] = image.rgb[i] / 255.0f;
  return f;
}

Image to_image(const FloatFrame& f) {
  Image image(f.width, f.height);
  for (std::size_t i = 0; i < f.rgb.size(); ++i) image.rgb[i] = to_byte(f.rgb[i] * 255.0f);
  return image;
}

// `from` moved onto `to`'s pixels by the step that maps `from` onto `to` (content translated by
// (dx, dy) and scaled by `scale` about the centre), bilinearly; `valid` is 0 where the source
// falls outside `from`.
FloatFrame align(const FloatFrame& from, const analyze::FrameStep& step, std::vector<float>& valid) {
  FloatFrame out{from.width, from.height, std::vector<float>(from.rgb.size(), 0.0f)};
  valid.assign(static_cast<std::size_t>(from.width) * from.height, 0.0f);
  const float cx = (from.width - 1) / 2.0f, cy = (from.height - 1) / 2.0f;
  const auto dx = static_cast<float>(step.dx), dy = static_cast<float>(step.dy), s = static_cast<float>(step.scale);
  for (int y = 0; y < from.height; ++y)
    for (int x = 0; x < from.width; ++x) {
      const float sx = (x - dx - cx) / s + cx, sy = (y - dy - cy) / s + cy;
      if (sx < 0 || sy < 0 || sx > from.width - 1 || sy > from.height - 1) continue;
      const int x0 = std::min(static_cast<int>(sx), from.width - 2), y0 = std::min(static_cast<int>(sy), from.height - 2);
      const float fx = sx - x0, fy = sy - y0;
      const std::size_t p = static_cast<std::size_t>(y) * from.width + x;
      valid[p] = 1.0f;
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int xx, int yy) { return from.rgb[(static_cast<std::size_t>(yy) * from.width + xx) * 3 + c]; };
        out.rgb[p * 3 + c] = at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy) +
                             at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy;
      }
    }
  return out;
}

// Each channel's 5x5 box mean (the window clipped at the border): the coarse picture under the
// fine detail.
std::vector<float> box_mean5(const std::vector<float>& rgb, int w, int h) {
  std::vector<float> out(rgb.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float sum[3] = {0, 0, 0};
      int count = 0;
      for (int yy = std::max(0, y - 2); yy <= std::min(h - 1, y + 2); ++yy)
        for (int xx = std::max(0, x - 2); xx <= std::min(w - 1, x + 2); ++xx, ++count)
          for (int c = 0; c < 3; ++c) sum[c] += rgb[(static_cast<std::size_t>(yy) * w + xx) * 3 + c];
      for (int c = 0; c < 3; ++c) out[(static_cast<std::size_t>(y) * w + x) * 3 + c] = sum[c] / count;
    }
  return out;
}

// Per pixel, the energy of the fine detail (rgb - its box mean) over the 5x5 window.
std::vector<float> detail_energy5(const std::vector<float>& rgb, const std::vector<float>& coarse, int w, int h) {
  std::vector<float> squared(static_cast<std::size_t>(w) * h * 3);
  for (std::size_t i = 0; i < squared.size(); ++i) squared[i] = (rgb[i] - coarse[i]) * (rgb[i] - coarse[i]);
  const std::vector<float> mean = box_mean5(squared, w, h);
  std::vector<float> energy(static_cast<std::size_t>(w) * h);
  for (std::size_t p = 0; p < energy.size(); ++p) energy[p] = mean[p * 3] + mean[p * 3 + 1] + mean[p * 3 + 2];
  return energy;
}

// `current` blended toward `neighbour` (already aligned onto it) where the two agree.
void blend_toward(FloatFrame& current, const FloatFrame& neighbour, const std::vector<float>& valid, float strength) {
  const int w = current.width, h = current.height;
  // Per-pixel difference; a pixel with no aligned source counts as fully changed.
  std::vector<float> difference(static_cast<std::size_t>(w) * h);
  for (std::size_t p = 0; p < difference.size(); ++p) {
    float d = 0;
    for (int c = 0; c < 3; ++c) d += std::abs(current.rgb[p * 3 + c] - neighbour.rgb[p * 3 + c]);
    difference[p] = valid[p] > 0 ? d / 3 : 1.0f;
  }
  const float max_weight = std::clamp(strength, 0.0f, 1.0f) * kDeflickerMaxBlend;
  std::vector<float> blended = current.rgb;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t p = static_cast<std::size_t>(y) * w + x;
      if (valid[p] == 0) continue;
      // The larger of the pixel's own difference and its 3x3 neighbourhood's mean: a particle or
      // an edge that moved is a large difference of its own, a smooth change a run of them.
      float sum = 0;
      int count = 0;
      for (int yy = std::max(0, y - 1); yy <= std::min(h - 1, y + 1); ++yy)
        for (int xx = std::max(0, x - 1); xx <= std::min(w - 1, x + 1); ++xx, ++count)
          sum += difference[static_cast<std::size_t>(yy) * w + xx];
      const float change = std::max(sum / count, difference[p]) / kDeflickerTolerance;
      const float weight = max_weight * std::exp(-change * change);
      for (int c = 0; c < 3; ++c) blended[p * 3 + c] += weight * (neighbour.rgb[p * 3 + c] - current.rgb[p * 3 + c]);
    }
  // Two drawings of the same texture (brushstrokes, grain) that do not line up partly cancel when
  // mixed: the blend keeps the steadier pattern, but its fine detail is scaled back up to the
  // contrast the frame was drawn with, so a painterly frame does not come out flatter than drawn.
  // Only ever up (a detail the blend made stronger stays as it is), and at most 2x.
  const std::vector<float> coarse = box_mean5(blended, w, h);
  const std::vector<float> blended_energy = detail_energy5(blended, coarse, w, h);
  const std::vector<float> drawn_energy = detail_energy5(current.rgb, box_mean5(current.rgb, w, h), w, h);
  for (std::size_t p = 0; p < blended_energy.size(); ++p) {
    const float gain = std::clamp(std::sqrt((drawn_energy[p] + 1e-9f) / (blended_energy[p] + 1e-9f)), 1.0f, 2.0f);
    for (int c = 0; c < 3; ++c) {
      const std::size_t i = p * 3 + c;
      current.rgb[i] = coarse[i] + (blended[i] - coarse[i]) * gain;
    }
  }
}

analyze::FrameStep inverse(const analyze::FrameStep& step) {
  // The step maps x to s(x - c) + c + d; its inverse maps y to (y - c - d)/s + c = (y - c)/s + c - d/s.
  return {-step.dx / step.scale, -step.dy / step.scale, 1.0 / step.scale, step.flicker};
}

}  // namespace

Clip deflicker(const Clip& clip, float strength) {
  // Frames under 3x3 have no neighbourhood to judge agreement by (and the model draws none).
  if (strength <= 0 || clip.frames.size() < 2 || clip.width() < 3 || clip.height() < 3) return clip;
  const std::vector<analyze::FrameStep> steps = analyze::frame_steps(analyze::planes_of(clip));

  std::vector<FloatFrame> frames;
  frames.reserve(clip.frames.size());
  for (const Image& frame : clip.frames) frames.push_back(to_float(frame));
  std::vector<float> valid;
  // Forward: each frame toward the previous (already steadied) one, so agreement carries along.
  for (std::size_t t = 1; t < frames.size(); ++t)
    blend_toward(frames[t], align(frames[t - 1], steps[t - 1], valid), valid, strength);
  // Backward over the result: the first frames get the later ones' steadiness, and the forward
  // pass's lag behind slow changes is undone.
  for (std::size_t t = frames.size() - 1; t-- > 0;)
    blend_toward(frames[t], align(frames[t + 1], inverse(steps[t]), valid), valid, strength);

  Clip out;
  out.frames.reserve(frames.size());
  for (const FloatFrame& f : frames) out.frames.push_back(to_image(f));
  return out;
}

}  // namespace shotgen::finish
