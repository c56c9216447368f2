#pragma once
// The world's random numbers: SplitMix64, chosen because its output is defined bit for bit on
// every platform (std:: distributions are not), so a seed gives the same clip everywhere.
#include <cmath>
#include <cstdint>

namespace shotgen::world {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  // Uniform in [lo, hi).
  float range(float lo, float hi) { return lo + static_cast<float>(uniform()) * (hi - lo); }
  // Uniform integer in [0, n); n > 0.
  int below(int n) { return static_cast<int>(uniform() * n); }
  bool chance(double p) { return uniform() < p; }

 private:
  std::uint64_t state_;
};

// A stateless hash of integer coordinates to [0, 1): texture that belongs to the world, so the
// same world point has the same grain in every frame.
inline float hash01(std::int64_t x, std::int64_t y, std::uint64_t salt) {
  std::uint64_t z = static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ull ^
                    static_cast<std::uint64_t>(y) * 0xC2B2AE3D27D4EB4Full ^ salt;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);
}

// Smooth value noise in [0, 1): hash01 on the integer lattice, blended with smoothstep weights (the
// world's painterly strokes, and the finishing's: finish/style_texture.h).
inline float value_noise(float x, float y, std::uint64_t salt) {
  const float fx = std::floor(x), fy = std::floor(y);
  const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy);
  const float ux = x - fx, uy = y - fy;
  const float tx = ux * ux * (3 - 2 * ux), ty = uy * uy * (3 - 2 * uy);
  const float a = hash01(ix, iy, salt), b = hash01(ix + 1, iy, salt);
  const float c = hash01(ix, iy + 1, salt), d = hash01(ix + 1, iy + 1, salt);
  return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
}

}  // namespace shotgen::world
