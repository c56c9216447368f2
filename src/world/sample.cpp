#include "world/sample.h"

#include "world/world.h"

namespace shotgen::world {

WorldSample sample(std::uint64_t seed, int frames, int width, int height, bool with_figures) {
  Rng rng(seed);
  WorldSample s;
  s.attributes = sample_attributes(rng);
  s.clip = render_clip(s.attributes, frames, width, height, rng.next(), with_figures ? &s.figures : nullptr);
  s.caption = caption_for(s.attributes, rng);
  if (rng.chance(0.5)) s.reference = make_reference(s.attributes, width, height, rng);
  return s;
}

}  // namespace shotgen::world
