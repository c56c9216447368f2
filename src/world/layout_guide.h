#pragma once
// A shot's layout guide: the world's clip of what a prompt's words say — how many figures, where
// (composition, lens), the camera move, the light, palette and air — that the engine can start
// sampling from (engine::GenerationRequest::guide_frames). An animatic: the model keeps its coarse
// layout and motion, read through the starting noise, and draws the picture itself.
//
// Why: the model learnt the words that colour a whole frame (palette, lighting) but not the ones
// that place things (count, thirds, lens); it takes its layout from the starting noise, so the seed
// decided what the words asked (docs/ENGINE.md, "The seed draws the layout, not the words").
#include <cstdint>
#include <string_view>

#include "core/image.h"
#include "world/attributes.h"
#include "world/world.h"

namespace shotgen::world {

// The attributes a prompt's words name (the *_from_words parsers); a camera move it does not name
// is static, any other dimension it leaves open is drawn from the seed (as the world draws it).
ClipAttributes prompt_attributes(std::string_view prompt, std::uint64_t seed);

// The world's clip of prompt_attributes(prompt, seed), with the props the prompt names
// (props_from_words: a lighthouse, a lantern in the subject's hand), `frames` frames at width ×
// height; with `figures`, also where its figures are (as render_clip). Deterministic: the same
// arguments give the same frames.
Clip draw_layout_guide(std::string_view prompt, std::uint64_t seed, int frames, int width, int height,
                       FigureCoverage* figures = nullptr);

}  // namespace shotgen::world
