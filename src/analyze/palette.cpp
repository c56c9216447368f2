#include "analyze/palette.h"

#include <cmath>

namespace shotgen::analyze {

PaletteMeasure measure_palette(const std::vector<Planes>& frames) {
  PaletteMeasure m;
  double lit = 0, sat = 0, green = 0, total = 0, weight = 0, vx = 0, vy = 0;
  double teal = 0, orange = 0, greens = 0, warm = 0, cool = 0;
  for (const auto& f : frames)
    for (const auto& c : f.hsv) {
      ++total;
      if (c.v < 0.035f) continue;  // too dark for 8-bit colour to carry a hue
      if (c.v >= 0.08f) {
        ++lit;
        sat += c.s;
        if (c.s >= 0.25f && c.h >= 70 && c.h < 165) ++green;
      }
      if (c.s < 0.08f) continue;  // hue of a near-grey pixel is noise
      const double w = c.s;
      weight += w;
      const double rad = c.h * M_PI / 180.0;
      vx += w * std::cos(rad);
      vy += w * std::sin(rad);
      if (c.h >= 165 && c.h < 200) teal += w;
      if (c.h >= 10 && c.h < 50) orange += w;
      if (c.h >= 70 && c.h < 165) greens += w;
      if (c.h < 60 || c.h >= 320) warm += w;
      if (c.h >= 165 && c.h < 300) cool += w;
    }
  m.green_share = total > 0 ? green / total : 0;
  m.mean_saturation = lit > 0 ? sat / lit : 0;
  if (weight > 0) {
    m.hue_spread = 1 - std::hypot(vx, vy) / weight;
    m.teal_weight = teal / weight;
    m.orange_weight = orange / weight;
    m.green_weight = greens / weight;
    m.warm_weight = warm / weight;
    m.cool_weight = cool / weight;
  }
  using world::Palette;
  if (m.mean_saturation < 0.06 || weight == 0) m.palette = Palette::Monochrome;
  else if (m.teal_weight > 0.15 && m.orange_weight > 0.15) m.palette = Palette::TealOrange;
  else if (m.mean_saturation < 0.3 && m.hue_spread > 0.25) m.palette = Palette::Pastel;
  else if (m.green_weight >= m.warm_weight && m.green_weight >= m.cool_weight) m.palette = Palette::GreenTones;
  else m.palette = m.warm_weight >= m.cool_weight ? Palette::Warm : Palette::Cool;
  return m;
}

}  // namespace shotgen::analyze
