#pragma once
// Key (lighting) analyzer: brightness and the lighting class, from value/luma statistics.
#include "analyze/planes.h"
#include "world/attributes.h"

namespace shotgen::analyze {

struct KeyMeasure {
  world::Lighting lighting = world::Lighting::HighKey;
  double key = 0;            // mean luma (Rec. 709), 0..1
  double mean_value = 0;     // mean HSV value (max channel), palette-independent brightness
  double bright_share = 0;   // fraction of pixels with value >= 0.35
  double top_value = 0;      // mean value of the top quarter of rows
  double bottom_value = 0;   // mean value of the bottom quarter of rows
  double sky_gradient = 0;   // brightest row above the bottom quarter minus the top rows
  double brightest_row = 0;  // mean value of the brightest row
  double darkest_row = 0;    // mean value of the darkest row
};

// Rules: a bright sky over a dark ground (brightest row >= 0.6, bottom quarter <= 0.36) is backlit;
// mean value >= 0.6 high-key; very dark with almost no bright pixels night; dark with a lit
// subject low-key; the mid-bright rest golden hour (bright band at the horizon, darker above).

KeyMeasure measure_key(const std::vector<Planes>& frames);

}  // namespace shotgen::analyze
