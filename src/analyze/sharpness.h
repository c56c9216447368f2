#pragma once
// How crisp and how clean a clip's frames are, measured on luma (0..255):
//   structure       the mean of the strongest 5 % of gradient magnitudes after a 3×3 median
//                   filter — edges that survive the median are shapes, not speckle;
//   isolated_noise  the mean |luma − its 3×3 median| — what the median removes: grain, speckle,
//                   single-pixel particles.
// A blurred clip has low structure; a speckled one has high isolated noise. Both are compared
// with the world's clips of the same caption (model eval's sharpness suite). Averaged over frames.
#include "core/image.h"

namespace shotgen::analyze {

struct SharpnessMeasure {
  double structure = 0.0;
  double isolated_noise = 0.0;
};

// Throws shotgen::Error for an empty clip or a frame smaller than 3×3.
SharpnessMeasure measure_sharpness(const Clip& clip);

}  // namespace shotgen::analyze
