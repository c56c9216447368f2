#pragma once
// The procedural film world: renders a clip whose visible attributes are exactly the given
// ClipAttributes, deterministically from a seed.
//
// Camera conventions (the analyzers measure the same ones):
//   pan left  = the camera turns left, so content moves RIGHT in frame; pan right the opposite;
//   tilt up   = the camera looks up, so content moves DOWN in frame; tilt down the opposite;
//   push in   = content grows about the frame centre; pull out = content shrinks.
// Speeds: pans and tilts move by camera_step_pixels(height) pixels per frame (2 px at 32 px
// height); push in / pull out change scale by camera_zoom_per_frame(frames) per frame.
// Composition (horizon height, subject placement) holds for the frame where the zoom is 1 and
// the pan/tilt offset is zero: the middle frame for pans and tilts, the widest frame for zooms.
#include <cstdint>

#include "core/image.h"
#include "world/attributes.h"

namespace shotgen::world {

Clip render_clip(const ClipAttributes& attributes, int frames, int width, int height, std::uint64_t seed);

int camera_step_pixels(int height);
double camera_zoom_per_frame(int frames);

}  // namespace shotgen::world
