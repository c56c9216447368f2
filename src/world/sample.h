#pragma once
// One training example from the world: what the trainer streams.
#include <cstdint>
#include <optional>
#include <string>

#include "core/image.h"
#include "world/attributes.h"
#include "world/captions.h"
#include "world/world.h"

namespace shotgen::world {

struct WorldSample {
  Clip clip;
  FigureCoverage figures;  // where the clip's figures are, frame by frame (when asked for)
  std::string caption;
  ClipAttributes attributes;
  std::optional<ReferenceExample> reference;  // present in about half of the samples
};

// Deterministic: the same arguments give the same sample. `with_figures` also fills `figures` (the
// trainer's figure loss weight needs it; it adds about a quarter to the clip's drawing time).
WorldSample sample(std::uint64_t seed, int frames, int width, int height, bool with_figures = false);

}  // namespace shotgen::world
