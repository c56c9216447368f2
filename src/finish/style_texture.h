#pragma once
// The style texture pass: the surface of the style a shot's prompt names ("photorealistic",
// "hand-painted", "flat 2D animation"), drawn into a take the model drew in another style.
//
// What a style is, at this model's size, is texture the latents cannot carry: a 4x4 block of pixels
// is coded in 8 values, so the decoder draws its mean, smooth with a faint 4x4 structure that the
// style analyzer reads as brushwork whatever the prompt asked (docs/ENGINE.md: through its own
// autoencoder the world's clips keep 43 % of their style). The pass synthesises the texture the
// world (the training data) gives each style, as a codec's film-grain synthesis draws again the
// grain its compressed picture could not carry:
//   photoreal  per-pixel grain at the world's amplitude: value x (1 + 0.045 n) + 0.02 n
//   painterly  brushstrokes: value noise stretched 3.5 : 0.8 pixels along one angle, value x (1 + 0.2 s)
//   flat 2D    flat fills: the clip's colours reduced to its kFlatColours main colours (one set for
//              the whole clip, so a fill keeps its colour from frame to frame), a 3x3 majority so a
//              fill's edge is clean, and 1-pixel dark outlines where two fills of different
//              brightness meet
// Grain and strokes belong to the scene: they move with the camera measured between the frames
// (analyze::frame_steps, what the deflicker aligns by), so they add no flicker.
// Only where needed: the prompt names a style and the model's frames measure another
// (analyze::measure_style, the take's analysis), as the reframe draws only a move the model did not.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/image.h"
#include "world/attributes.h"

namespace shotgen::finish {

inline constexpr int kFlatColours = 8;

// The style the pass draws into a clip generated from the prompt `positive` whose frames measured
// `drawn`: the style the prompt names (the world's words, as the take's look check reads them),
// nothing for a prompt that names none or a clip the model drew in it.
std::optional<world::Style> texture_style(std::string_view positive, world::Style drawn);

// The clip with `style`'s texture; `seed` places the grain and the strokes (the take's seed).
// Deterministic; a clip of frames under 3x3 comes back unchanged.
Clip draw_style_texture(const Clip& clip, world::Style style, std::uint64_t seed);

}  // namespace shotgen::finish
