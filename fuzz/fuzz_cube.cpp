// Grading LUTs (.cube, a film's [finish] lut): any text gives a LUT of the size it declares or one
// shotgen::Error — never a crash, and never a table a declared size asked for unchecked.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/error.h"
#include "finish/cube_lut.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const shotgen::finish::CubeLut lut =
        shotgen::finish::parse_cube(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.cube");
    if (lut.size < shotgen::finish::kMinCubeSize || lut.size > shotgen::finish::kMaxCubeSize ||
        lut.table.size() != static_cast<std::size_t>(lut.size) * lut.size * lut.size * 3)
      std::abort();
    for (int axis = 0; axis < 3; ++axis)
      if (!(lut.domain_min[axis] < lut.domain_max[axis])) std::abort();  // an empty domain must be refused
  } catch (const shotgen::Error&) {
  }
  return 0;
}
