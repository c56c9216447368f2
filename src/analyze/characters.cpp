#include "analyze/characters.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace shotgen::analyze {

int count_figures(const Image& frame) {
  const int w = frame.width, h = frame.height;
  if (w < 3 || h < 3) return 0;
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(w) * h, 0);
  std::vector<int> channel(w), distance(w);
  for (int y = 0; y < h; ++y) {
    std::array<int, 3> median{};
    for (int c = 0; c < 3; ++c) {
      for (int x = 0; x < w; ++x) channel[x] = frame.pixel(x, y)[c];
      std::nth_element(channel.begin(), channel.begin() + w / 2, channel.end());
      median[c] = channel[w / 2];
    }
    for (int x = 0; x < w; ++x) {
      const auto* p = frame.pixel(x, y);
      distance[x] = std::max({std::abs(p[0] - median[0]), std::abs(p[1] - median[1]), std::abs(p[2] - median[2])});
    }
    // Threshold relative to the row's own texture so painterly strokes and grain stay background.
    std::vector<int> sorted = distance;
    std::nth_element(sorted.begin(), sorted.begin() + w / 2, sorted.end());
    const int brightness = std::max({median[0], median[1], median[2]});
    const int threshold = std::max(16 + brightness / 10, 4 * sorted[w / 2]);
    for (int x = 0; x < w; ++x) mask[static_cast<std::size_t>(y) * w + x] = distance[x] > threshold;
  }
  // Close vertical gaps of one pixel (a figure's legs, body and head differ in colour and
  // contrast, so one of them may fall under the threshold).
  std::vector<std::uint8_t> closed = mask;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t k = static_cast<std::size_t>(y) * w + x;
      if (mask[k]) continue;
      const bool above = y > 0 && mask[k - w], below = y + 1 < h && mask[k + w];
      const bool above2 = y > 1 && mask[k - 2 * w], below2 = y + 2 < h && mask[k + 2 * w];
      closed[k] = (above && below) || (above && below2) || (above2 && below);
    }
  mask.swap(closed);
  // 4-connected components with an explicit stack.
  std::vector<int> stack;
  int figures = 0;
  for (int start = 0; start < w * h; ++start) {
    if (mask[start] != 1) continue;
    int x0 = w, x1 = -1, y0 = h, y1 = -1, area = 0;
    stack.push_back(start);
    mask[start] = 2;
    while (!stack.empty()) {
      const int k = stack.back();
      stack.pop_back();
      const int x = k % w, y = k / w;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      ++area;
      const int nx[4] = {x - 1, x + 1, x, x}, ny[4] = {y, y, y - 1, y + 1};
      for (int q = 0; q < 4; ++q) {
        if (nx[q] < 0 || ny[q] < 0 || nx[q] >= w || ny[q] >= h) continue;
        const int m = ny[q] * w + nx[q];
        if (mask[m] == 1) mask[m] = 2, stack.push_back(m);
      }
    }
    const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const bool tall_enough = bh >= std::max(4.0, 0.2 * h);
    const bool figure_shaped = bw >= 0.15 * bh && bw <= 0.7 * bh;
    const bool solid = area >= 0.3 * bw * bh;
    const bool cut_by_frame = x0 == 0 || x1 == w - 1;  // a cut-off prop can look figure-shaped
    figures += tall_enough && figure_shaped && solid && !cut_by_frame;
  }
  return figures;
}

CharacterMeasure measure_characters(const Clip& clip) {
  CharacterMeasure m;
  std::vector<int> counts;
  for (const auto& f : clip.frames) counts.push_back(count_figures(f));
  if (counts.empty()) return m;
  std::sort(counts.begin(), counts.end());
  m.count = counts.size() % 2 ? counts[counts.size() / 2]
                              : (counts[counts.size() / 2 - 1] + counts[counts.size() / 2]) / 2.0;
  m.characters = m.count >= 2.75 ? world::Characters::Crowd
                                 : (m.count >= 1.75 ? world::Characters::Two : world::Characters::One);
  return m;
}

}  // namespace shotgen::analyze
