#pragma once
// 3D LUTs in the .cube format that DaVinci Resolve, Premiere and OpenColorIO exchange (Adobe Cube
// LUT Specification 1.0): optional TITLE, LUT_3D_SIZE N, DOMAIN_MIN/DOMAIN_MAX (or Resolve's
// LUT_3D_INPUT_RANGE), '#' comments, then N^3 lines of "R G B" with red changing fastest.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shotgen::finish {

inline constexpr int kMinCubeSize = 2;
inline constexpr int kMaxCubeSize = 65;  // the largest size the common tools write
// A .cube file is read only up to this size: 65^3 data lines of ~30 characters are about 8 MiB.
inline constexpr std::uintmax_t kMaxCubeFileBytes = 64u << 20;

struct CubeLut {
  std::string title;
  int size = 0;  // lattice points per axis
  std::array<float, 3> domain_min{0, 0, 0};
  std::array<float, 3> domain_max{1, 1, 1};
  std::vector<float> table;  // size^3 RGB triplets, red fastest, as in the file

  // The entry at lattice point (r, g, b).
  const float* at(int r, int g, int b) const {
    return table.data() + 3 * ((static_cast<std::size_t>(b) * size + g) * size + r);
  }
};

// Parses .cube text. Every problem is a shotgen::Error of kind Corrupt whose `where` is
// "<source_name>:<line>" and whose code is "lut-wrong-size" (a 1D LUT, a size outside 2..65, more or fewer data lines
// than the size asks for) or "malformed-lut" (anything else: a bad number, an unknown keyword,
// data before LUT_3D_SIZE, an empty domain).
CubeLut parse_cube(std::string_view text, const std::string& source_name);

// The identity LUT of `size` points per axis (tests, and a neutral starting point).
CubeLut identity_cube(int size);

}  // namespace shotgen::finish
