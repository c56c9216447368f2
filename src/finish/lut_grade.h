#pragma once
// The grade pass on the CPU: the reference the Vulkan shader (shaders/grade.comp) must match
// within 1/255. Every pixel goes through the 3D LUT (its domain mapped to the lattice, clamped),
// sampled tetrahedrally or trilinearly, then mixed with the ungraded colour by `strength`.
#include "core/image.h"
#include "film/finish_settings.h"
#include "finish/cube_lut.h"

namespace shotgen::finish {

void grade_reference(Image& image, const CubeLut& lut, film::LutInterpolation interpolation, float strength);

}  // namespace shotgen::finish
