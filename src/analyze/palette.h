#pragma once
// Palette analyzer: which of the six palettes a clip is graded in, and its green share.
#include "analyze/planes.h"
#include "world/attributes.h"

namespace shotgen::analyze {

struct PaletteMeasure {
  world::Palette palette = world::Palette::Monochrome;
  double green_share = 0;     // fraction of pixels with a green hue (70-165 deg), S >= 0.25, V >= 0.08
  double mean_saturation = 0; // HSV saturation over pixels with V >= 0.08
  double hue_spread = 0;      // 1 - resultant length of saturation-weighted hue vectors (0 = one hue)
  double teal_weight = 0, orange_weight = 0, green_weight = 0, warm_weight = 0, cool_weight = 0;
};

// Rules: near-zero saturation is monochrome; both teal and orange in force is teal and orange;
// low saturation spread over many hues is pastel; otherwise the dominant hue family (warm, cool,
// green) wins.
PaletteMeasure measure_palette(const std::vector<Planes>& frames);

}  // namespace shotgen::analyze
