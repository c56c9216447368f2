#pragma once
// Style analyzer: flat 2D / painterly / photoreal from texture statistics of the luma.
#include "analyze/planes.h"
#include "world/attributes.h"

namespace shotgen::analyze {

struct StyleMeasure {
  world::Style style = world::Style::Photoreal;
  double flat_share = 0;      // pixels whose 4 neighbours differ by < 1.5/255 in luma: flat fills
  double texture_energy = 0;  // mean |Laplacian| on non-edge pixels, relative to local brightness
  double outline_share = 0;   // pixels darker than both neighbours (a row or column pair) by > 30%
  double coherence = 0;       // directional texture: spread of the high-pass residual's lag-1
                              // correlations over 4 directions (0 isotropic grain, large for strokes)
};

// Rules: more than 45% flat pixels, or more than 33% with dark 1-px outlines, is flat 2D; texture whose gradients share one
// orientation is painterly; isotropic fine texture is photoreal.
StyleMeasure measure_style(const std::vector<Planes>& frames);

}  // namespace shotgen::analyze
