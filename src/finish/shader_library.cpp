#include "finish/shader_library.h"

namespace shotgen::finish {
namespace {

// Each file is glslc's "-mfmt=c" output: a braced list of 32-bit words.
constexpr std::uint32_t kUpscale[] =
#include "spirv/upscale.spv.inc"
    ;
constexpr std::uint32_t kGrade[] =
#include "spirv/grade.spv.inc"
    ;
constexpr std::uint32_t kPaletteLock[] =
#include "spirv/palette_lock.spv.inc"
    ;
constexpr std::uint32_t kGrainLattice[] =
#include "spirv/grain_lattice.spv.inc"
    ;
constexpr std::uint32_t kGrain[] =
#include "spirv/grain.spv.inc"
    ;
constexpr std::uint32_t kLetterbox[] =
#include "spirv/letterbox.spv.inc"
    ;
constexpr std::uint32_t kTransition[] =
#include "spirv/transition.spv.inc"
    ;

}  // namespace

std::span<const std::uint32_t> shader_spirv(Shader shader) {
  switch (shader) {
    case Shader::Upscale: return kUpscale;
    case Shader::Grade: return kGrade;
    case Shader::PaletteLock: return kPaletteLock;
    case Shader::GrainLattice: return kGrainLattice;
    case Shader::Grain: return kGrain;
    case Shader::Letterbox: return kLetterbox;
    case Shader::Transition: return kTransition;
  }
  return {};
}

}  // namespace shotgen::finish
