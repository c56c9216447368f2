#include "analyze/style.h"

#include <cmath>

namespace shotgen::analyze {

namespace {

// Directional texture: correlation of the high-pass residual with itself one pixel away along
// each of four directions. Brush strokes are long along one direction and short across it, so the
// correlations differ strongly; per-pixel grain correlates equally (weakly) in every direction.
// Edges and particles are excluded by skipping residuals far above the frame's typical one.
struct LagSums {
  double xy = 0, xx = 0, yy = 0;
};

}  // namespace

StyleMeasure measure_style(const std::vector<Planes>& frames) {
  StyleMeasure m;
  double flat = 0, outline = 0, texture = 0, textured = 0, n = 0;
  constexpr int kLags[4][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
  LagSums lags[4];
  std::vector<float> residual, magnitudes;
  for (const auto& f : frames) {
    residual.assign(f.luma.size(), 0.0f);
    magnitudes.clear();
    for (int y = 1; y + 1 < f.height; ++y)
      for (int x = 1; x + 1 < f.width; ++x) {
        float sum = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) sum += f.at(x + dx, y + dy);
        const float r = f.at(x, y) - sum / 9;
        residual[static_cast<std::size_t>(y) * f.width + x] = r;
        magnitudes.push_back(std::abs(r));
      }
    if (magnitudes.empty()) continue;
    std::nth_element(magnitudes.begin(), magnitudes.begin() + magnitudes.size() / 2, magnitudes.end());
    const float limit = 3 * magnitudes[magnitudes.size() / 2] + 1e-4f;
    auto res = [&](int x, int y) { return residual[static_cast<std::size_t>(y) * f.width + x]; };
    for (int y = 1; y + 1 < f.height; ++y)
      for (int x = 1; x + 1 < f.width; ++x) {
        const float c = f.at(x, y), l = f.at(x - 1, y), r = f.at(x + 1, y), u = f.at(x, y - 1), d = f.at(x, y + 1);
        ++n;
        const float flat_eps = 1.5f / 255;
        flat += std::abs(c - l) < flat_eps && std::abs(c - r) < flat_eps && std::abs(c - u) < flat_eps &&
                std::abs(c - d) < flat_eps;
        outline += (c < 0.7f * std::min(l, r) && std::min(l, r) > 0.06f) ||
                   (c < 0.7f * std::min(u, d) && std::min(u, d) > 0.06f);
        const float local = (c + l + r + u + d) / 5 + 0.03f;
        if (std::hypot(r - l, d - u) / 2 <= 0.25f * local) {  // object edges are not texture
          texture += std::abs(l + r + u + d - 4 * c) / local;
          ++textured;
        }
        const float a = res(x, y);
        if (std::abs(a) > limit) continue;
        for (int k = 0; k < 4; ++k) {
          const int x2 = x + kLags[k][0], y2 = y + kLags[k][1];
          if (x2 < 1 || y2 < 1 || x2 + 1 >= f.width || y2 + 1 >= f.height) continue;
          const float b = res(x2, y2);
          if (std::abs(b) > limit) continue;
          lags[k].xy += a * b;
          lags[k].xx += a * a;
          lags[k].yy += b * b;
        }
      }
  }
  if (n == 0) return m;
  m.flat_share = flat / n;
  m.outline_share = outline / n;
  m.texture_energy = textured > 0 ? texture / textured : 0;
  double most = -1, least = 1;
  for (const auto& lag : lags) {
    const double rho = lag.xx > 0 && lag.yy > 0 ? lag.xy / std::sqrt(lag.xx * lag.yy) : 0;
    most = std::max(most, rho);
    least = std::min(least, rho);
  }
  m.coherence = std::max(0.0, most - least);
  using world::Style;
  if (m.flat_share > 0.45 || (m.flat_share > 0.33 && m.outline_share > 0.04)) m.style = Style::Flat2D;
  else if (m.coherence > 0.3) m.style = Style::Painterly;
  else m.style = Style::Photoreal;
  return m;
}

}  // namespace shotgen::analyze
