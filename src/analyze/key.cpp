#include "analyze/key.h"

#include <algorithm>

namespace shotgen::analyze {

KeyMeasure measure_key(const std::vector<Planes>& frames) {
  KeyMeasure m;
  if (frames.empty()) return m;
  const int w = frames[0].width, h = frames[0].height;
  std::vector<double> row_value(h, 0);
  double luma = 0, value = 0, bright = 0, n = 0;
  for (const auto& f : frames)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const std::size_t k = static_cast<std::size_t>(y) * w + x;
        luma += f.luma[k];
        value += f.hsv[k].v;
        bright += f.hsv[k].v >= 0.35f;
        row_value[y] += f.hsv[k].v;
        ++n;
      }
  for (double& r : row_value) r /= static_cast<double>(w) * frames.size();
  m.key = luma / n;
  m.mean_value = value / n;
  m.bright_share = bright / n;
  const int q = std::max(1, h / 4);
  for (int y = 0; y < q; ++y) {
    m.top_value += row_value[y] / q;
    m.bottom_value += row_value[h - 1 - y] / q;
  }
  double brightest = 0;
  for (int y = 0; y < h * 3 / 4; ++y) brightest = std::max(brightest, row_value[y]);
  m.sky_gradient = brightest - m.top_value;
  m.brightest_row = *std::max_element(row_value.begin(), row_value.end());
  m.darkest_row = *std::min_element(row_value.begin(), row_value.end());

  using world::Lighting;
  if (m.brightest_row >= 0.6 && m.bottom_value <= 0.36) m.lighting = Lighting::Backlit;
  else if (m.mean_value >= 0.6) m.lighting = Lighting::HighKey;
  else if (m.mean_value < 0.155 && m.bright_share < 0.06) m.lighting = Lighting::Night;
  else if (m.mean_value < 0.3) m.lighting = Lighting::LowKey;
  else m.lighting = Lighting::GoldenHour;
  return m;
}

}  // namespace shotgen::analyze
