#pragma once
// Character count analyzer: one figure, two, or a crowd.
//
// Backgrounds in the world vary by row (sky and ground gradients), figures stand out of their
// row: a pixel is foreground when its colour is far from its row's median colour (threshold
// relative to the row's brightness and texture); one-pixel vertical gaps are closed. Connected
// components that are figure-shaped (width 0.15-0.7 of the height, at least 20% of the frame
// height, not cut by the left or right frame edge) are counted per frame; the clip's count is the
// median over frames (figures may leave the frame at the ends of a pan).
#include <vector>

#include "core/image.h"
#include "world/attributes.h"

namespace shotgen::analyze {

struct CharacterMeasure {
  world::Characters characters = world::Characters::One;
  double count = 0;  // median figure count over frames
};

CharacterMeasure measure_characters(const Clip& clip);

// Figure-shaped components in one frame.
int count_figures(const Image& frame);

}  // namespace shotgen::analyze
