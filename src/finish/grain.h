#pragma once
// The film grain pass: Gaussian value noise on a lattice of `size`-pixel cells (smoothly
// interpolated, variance kept at 1), seeded by the take's seed and the frame index so a take is
// finished identically every time, added equally to R, G and B with an amplitude that is largest
// in the mid-tones. grain_reference is the CPU reference shaders/grain.comp must match within 1/255.
#include <cstdint>
#include <vector>

#include "core/image.h"

namespace shotgen::finish {

struct GrainParams {
  float strength = 0;  // standard deviation in full-scale units at mid-grey
  float size = 1;      // lattice cell in pixels
};

// The 32-bit seed the shader receives for a take's 63-bit seed.
std::uint32_t grain_seed(std::uint64_t take_seed);

// A frame's grain lattice: a standard normal value per lattice point, row by row. Computed once
// per frame (shaders/grain_lattice.comp on Vulkan) and interpolated by every pixel.
struct GrainLattice {
  int columns = 0, rows = 0;
  std::vector<float> values;
};
// The lattice's size for a width x height frame: every cell a pixel centre falls in, plus one.
GrainLattice grain_lattice_size(int width, int height, const GrainParams& params);
GrainLattice grain_lattice(int width, int height, const GrainParams& params, std::uint32_t seed, std::uint32_t frame);

void grain_reference(Image& image, const GrainParams& params, std::uint32_t seed, std::uint32_t frame);

}  // namespace shotgen::finish
