#include "analyze/motion.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace shotgen::analyze {
namespace {

// Bilinear luma at (x, y); false outside the frame.
bool sample(const Planes& p, float x, float y, float& out) {
  if (x < 0 || y < 0 || x > p.width - 1 || y > p.height - 1) return false;
  const int x0 = std::min(static_cast<int>(x), p.width - 2), y0 = std::min(static_cast<int>(y), p.height - 2);
  const float fx = x - x0, fy = y - y0;
  out = p.at(x0, y0) * (1 - fx) * (1 - fy) + p.at(x0 + 1, y0) * fx * (1 - fy) + p.at(x0, y0 + 1) * (1 - fx) * fy +
        p.at(x0 + 1, y0 + 1) * fx * fy;
  return true;
}

// Mean |next(x) - prev(warp^-1(x))| where next = prev translated by (dx, dy) and scaled by s about
// the centre; only over pixels whose source lies inside prev and away from the border.
double mismatch(const Planes& prev, const Planes& next, float dx, float dy, float s, int margin) {
  const float cx = (next.width - 1) / 2.0f, cy = (next.height - 1) / 2.0f;
  double sum = 0;
  int count = 0;
  for (int y = margin; y < next.height - margin; ++y)
    for (int x = margin; x < next.width - margin; ++x) {
      float v;
      if (!sample(prev, (x - dx - cx) / s + cx, (y - dy - cy) / s + cy, v)) continue;
      // Truncated: rain and snow particles move on their own and must not outvote the scene.
      sum += std::min(std::abs(next.at(x, y) - v), 0.08f);
      ++count;
    }
  return count > next.width * next.height / 4 ? sum / count : std::numeric_limits<double>::infinity();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

// Mean |next - aligned prev| over the overlap, not truncated: what a viewer sees change.
double flicker_between(const Planes& prev, const Planes& next, float dx, float dy, float s) {
  const float cx = (next.width - 1) / 2.0f, cy = (next.height - 1) / 2.0f;
  double sum = 0;
  int count = 0;
  for (int y = 1; y < next.height - 1; ++y)
    for (int x = 1; x < next.width - 1; ++x) {
      float v;
      if (!sample(prev, (x - dx - cx) / s + cx, (y - dy - cy) / s + cy, v)) continue;
      sum += std::abs(next.at(x, y) - v);
      ++count;
    }
  return count > 0 ? sum / count : 0;
}

// Halves luma resolution (2x2 mean) so the exhaustive search stays cheap on large frames.
Planes half_size(const Planes& p) {
  Planes out;
  out.width = p.width / 2;
  out.height = p.height / 2;
  out.luma.resize(static_cast<std::size_t>(out.width) * out.height);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      out.luma[static_cast<std::size_t>(y) * out.width + x] =
          (p.at(2 * x, 2 * y) + p.at(2 * x + 1, 2 * y) + p.at(2 * x, 2 * y + 1) + p.at(2 * x + 1, 2 * y + 1)) / 4;
  return out;
}

}  // namespace

std::vector<FrameStep> frame_steps(const std::vector<Planes>& full_frames) {
  std::vector<FrameStep> steps;
  if (full_frames.size() < 2) return steps;
  // Search at 32..63 rows: halve larger frames and scale the shifts back up.
  std::vector<Planes> reduced;
  int factor = 1;
  for (const Planes* level = &full_frames[0]; level->height >= 64; factor *= 2) {
    std::vector<Planes> next;
    for (const auto& f : (factor == 1 ? full_frames : reduced)) next.push_back(half_size(f));
    reduced.swap(next);
    level = &reduced[0];
  }
  const std::vector<Planes>& raw = factor == 1 ? full_frames : reduced;
  // The search compares frames with their brightness and contrast normalised, so a clip whose
  // exposure pumps still shows its camera motion; flicker is then measured on the raw luma.
  std::vector<Planes> frames = raw;
  for (auto& f : frames) {
    double mean = 0, var = 0;
    for (float v : f.luma) mean += v;
    mean /= f.luma.size();
    for (float v : f.luma) var += (v - mean) * (v - mean);
    const double scale = 0.2 / std::max(1e-3, std::sqrt(var / f.luma.size()));
    for (float& v : f.luma) v = static_cast<float>(0.5 + (v - mean) * scale);
    // Snow and rain particles move on their own: a median takes them out before the search, or in a
    // slow zoom they outweigh the few pixels of scene that move.
    f.luma = median3x3(f.luma, f.width, f.height);
  }
  const int range = std::max(3, frames[0].height / 6);
  for (std::size_t t = 1; t < frames.size(); ++t) {
    const Planes &prev = frames[t - 1], &next = frames[t];
    // Start from "no motion" so a shift must do strictly better to count (flat regions match
    // equally well everywhere).
    double best = mismatch(prev, next, 0, 0, 1, 1);
    float bdx = 0, bdy = 0, bs = 1;
    for (int dy = -range; dy <= range; ++dy)
      for (int dx = -range; dx <= range; ++dx) {
        const double e = mismatch(prev, next, static_cast<float>(dx), static_cast<float>(dy), 1, 1);
        if (e < best - 1e-6) best = e, bdx = static_cast<float>(dx), bdy = static_cast<float>(dy);
      }
    for (int k = -8; k <= 8; ++k) {
      if (k == 0) continue;
      const float s = 1.0f + 0.01f * k;
      const double e = mismatch(prev, next, 0, 0, s, 1);
      if (e < best * 0.97) best = e, bdx = 0, bdy = 0, bs = s;
    }
    steps.push_back({static_cast<double>(bdx) * factor, static_cast<double>(bdy) * factor, bs,
                     flicker_between(raw[t - 1], raw[t], bdx, bdy, bs) * 255.0});
  }
  return steps;
}

MotionMeasure measure_motion(const std::vector<Planes>& frames) {
  MotionMeasure m;
  const std::vector<FrameStep> steps = frame_steps(frames);
  if (steps.empty()) return m;
  std::vector<double> dxs, dys, scales;
  double flicker = 0;
  for (const FrameStep& step : steps) {
    dxs.push_back(step.dx);
    dys.push_back(step.dy);
    scales.push_back(step.scale);
    flicker += step.flicker;
  }
  m.dx = median(dxs);
  m.dy = median(dys);
  m.scale = median(scales);
  m.flicker = flicker / steps.size();
  using world::CameraMove;
  if (std::abs(m.dx) >= 0.5 && std::abs(m.dx) >= std::abs(m.dy)) m.camera = m.dx > 0 ? CameraMove::PanLeft : CameraMove::PanRight;
  else if (std::abs(m.dy) >= 0.5) m.camera = m.dy > 0 ? CameraMove::TiltUp : CameraMove::TiltDown;
  else if (std::abs(m.scale - 1) >= 0.015) m.camera = m.scale > 1 ? CameraMove::PushIn : CameraMove::PullOut;
  else m.camera = CameraMove::Static;
  return m;
}

}  // namespace shotgen::analyze
