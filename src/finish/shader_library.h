#pragma once
// Internal to src/finish: the SPIR-V of every shader in shaders/*.comp, compiled by glslc at build
// time and embedded in the binary (so shotgen never reads the source tree at run time).
#include <cstdint>
#include <span>

namespace shotgen::finish {

enum class Shader { Upscale, Grade, PaletteLock, GrainLattice, Grain, Letterbox, Transition };

std::span<const std::uint32_t> shader_spirv(Shader shader);

}  // namespace shotgen::finish
