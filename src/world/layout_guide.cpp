#include "world/layout_guide.h"

#include "world/rng.h"

namespace shotgen::world {
namespace {

// Keeps the guide's random numbers apart from a training clip's of the same seed: a guide drawn
// for seed s is not the world's clip number s (the evaluation compares the model with those).
constexpr std::uint64_t kGuideSalt = 0x6C61796F75742D67ull;  // "layout-g"

}  // namespace

ClipAttributes prompt_attributes(std::string_view prompt, std::uint64_t seed) {
  Rng rng(seed ^ kGuideSalt);
  ClipAttributes a = sample_attributes(rng);
  a.camera = camera_move_from_words(prompt).value_or(CameraMove::Static);
  if (auto v = style_from_words(prompt)) a.style = *v;
  if (auto v = lens_from_words(prompt)) a.lens = *v;
  if (auto v = composition_from_words(prompt)) a.composition = *v;
  if (auto v = lighting_from_words(prompt)) a.lighting = *v;
  if (auto v = palette_from_words(prompt)) a.palette = *v;
  if (auto v = atmosphere_from_words(prompt)) a.atmosphere = *v;
  if (auto v = characters_from_words(prompt)) a.characters = *v;
  a.mood = mood_for(a.lighting, a.palette, a.atmosphere);
  return a;
}

Clip draw_layout_guide(std::string_view prompt, std::uint64_t seed, int frames, int width, int height,
                       FigureCoverage* figures) {
  return render_clip(prompt_attributes(prompt, seed), frames, width, height, seed ^ kGuideSalt, figures,
                     props_from_words(prompt));
}

}  // namespace shotgen::world
