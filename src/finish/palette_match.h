#pragma once
// The palette match pass: a take the model drew in another palette than the one its prompt names
// ("monochrome", "pastel", "teal and orange", ...), recoloured into that palette with its
// brightness kept.
//
// Why: the model takes a dark frame's colours from its training average (green), so a night or
// low-key shot asked in monochrome or pastel comes out green (docs/ENGINE.md, "The palette match").
// A colourist would regrade it; this pass does it the way a gradient map does, with the colours
// taken from a world clip in the palette asked under the light the clip measures (world::render_clip:
// the palette as the model was trained to draw it under that light):
//   1. every pixel of the clip gets its brightness rank in the whole clip (equal lumas, one rank),
//   2. the reference clip gives, per brightness rank, the colour relative to the brightness
//      ((rgb - Y) / Y) its pixels of that rank have: the palette's ramp from shadows to highlights,
//   3. each pixel takes the ramp's colour at its rank, plus its own difference from the clip's ramp
//      at that rank (what sets a figure apart from a wall of the same brightness), scaled by how
//      colourful the palette is against the clip (none for monochrome),
//   4. the pixel's luma is kept exactly where the colour fits in RGB; otherwise the colour is
//      reduced until it fits.
// One mapping for the whole clip, so a surface keeps its colour from frame to frame (no flicker);
// the lighting the analyzer measures (luma) is unchanged.
// Only where needed: the prompt names a palette and the model's frames measure another
// (analyze::measure_palette, the take's analysis), as the style texture draws only a style the
// model missed.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/image.h"
#include "world/attributes.h"

namespace shotgen::finish {

// The palette the pass grades a clip generated from the prompt `positive` into, whose frames
// measured `drawn`: the palette the prompt names (the world's words, as the take's look check reads
// them), nothing for a prompt that names none or a clip the model drew in it.
std::optional<world::Palette> palette_to_match(std::string_view positive, world::Palette drawn);

// The clip recoloured into `palette`, its reference a world clip in that palette under the clip's
// measured light, its other attributes drawn from `seed` (the take's seed). Deterministic; an
// empty clip comes back unchanged.
Clip match_palette(const Clip& clip, world::Palette palette, std::uint64_t seed);

}  // namespace shotgen::finish
