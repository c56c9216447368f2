#include "finish/grain.h"

#include <cmath>
#include <vector>

#include "finish/pixel_math.h"

namespace shotgen::finish {
namespace {

// As in shaders/grain_lattice.comp: unsigned arithmetic wraps identically on both sides.
std::uint32_t hash32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

float lattice_noise(int ix, int iy, std::uint32_t seed, std::uint32_t frame) {
  std::uint32_t h = hash32(static_cast<std::uint32_t>(ix) +
                           hash32(static_cast<std::uint32_t>(iy) + hash32(frame + hash32(seed))));
  float sum = 0;
  for (int k = 0; k < 4; ++k) {
    h = hash32(h + 0x9e3779b9u);
    sum += static_cast<float>(h >> 8) * (1.0f / 16777216.0f);
  }
  return (sum - 2.0f) * 1.7320508f;
}

}  // namespace

std::uint32_t grain_seed(std::uint64_t take_seed) {
  return static_cast<std::uint32_t>(take_seed ^ (take_seed >> 32));
}

GrainLattice grain_lattice_size(int width, int height, const GrainParams& params) {
  const float inverse_cell = 1.0f / params.size;
  return {static_cast<int>(std::floor((static_cast<float>(width) - 0.5f) * inverse_cell)) + 2,
          static_cast<int>(std::floor((static_cast<float>(height) - 0.5f) * inverse_cell)) + 2,
          {}};
}

GrainLattice grain_lattice(int width, int height, const GrainParams& params, std::uint32_t seed, std::uint32_t frame) {
  GrainLattice lattice = grain_lattice_size(width, height, params);
  lattice.values.reserve(static_cast<std::size_t>(lattice.columns) * lattice.rows);
  for (int iy = 0; iy < lattice.rows; ++iy)
    for (int ix = 0; ix < lattice.columns; ++ix) lattice.values.push_back(lattice_noise(ix, iy, seed, frame));
  return lattice;
}

void grain_reference(Image& image, const GrainParams& params, std::uint32_t seed, std::uint32_t frame) {
  const GrainLattice lattice = grain_lattice(image.width, image.height, params, seed, frame);
  auto at = [&](int ix, int iy) { return lattice.values[static_cast<std::size_t>(iy) * lattice.columns + ix]; };
  const float inverse_cell = 1.0f / params.size;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const float gx = (static_cast<float>(x) + 0.5f) * inverse_cell;
      const float gy = (static_cast<float>(y) + 0.5f) * inverse_cell;
      const int ix = static_cast<int>(std::floor(gx)), iy = static_cast<int>(std::floor(gy));
      const float fx = gx - static_cast<float>(ix), fy = gy - static_cast<float>(iy);
      const float sx = fx * fx * (3.0f - 2.0f * fx), sy = fy * fy * (3.0f - 2.0f * fy);
      const float w00 = (1 - sx) * (1 - sy), w10 = sx * (1 - sy), w01 = (1 - sx) * sy, w11 = sx * sy;
      float noise = w00 * at(ix, iy) + w10 * at(ix + 1, iy) + w01 * at(ix, iy + 1) + w11 * at(ix + 1, iy + 1);
      // Interpolating lowers the variance between lattice points; dividing by the weights' norm keeps it 1.
      noise /= std::sqrt(w00 * w00 + w10 * w10 + w01 * w01 + w11 * w11);
      std::uint8_t* p = image.pixel(x, y);
      const float y_luma = luma(p[0] / 255.0f, p[1] / 255.0f, p[2] / 255.0f);
      const float amplitude = params.strength * (0.25f + 3.0f * y_luma * (1.0f - y_luma));
      const float offset = 255.0f * amplitude * noise;
      for (int c = 0; c < 3; ++c) p[c] = to_byte(static_cast<float>(p[c]) + offset);
    }
}

}  // namespace shotgen::finish
