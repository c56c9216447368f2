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
#include <string_view>
#include <vector>

#include "core/camera_motion.h"
#include "core/image.h"
#include "world/attributes.h"

namespace shotgen::world {

// Where a clip's figures are: per frame, the share of each pixel (row-major, width × height) that a
// figure covers, 0..1, cut through the same camera as the picture (the particles in front of them
// are not subtracted). The trainer weighs the model's error there (train/training_batch.h).
struct FigureCoverage {
  int width = 0, height = 0;
  std::vector<std::vector<float>> frames;
};

// With `figures`, also writes where the figures are; the clip is the same either way. `props`: things
// a script names that the world draws only when asked (the layout guide's), over the seed's scene —
// a lighthouse on the horizon away from the subject, a lantern in the subject's hand; both are
// lamps, so they glow at night and in low-key light. Without them the clip is the world's own: no
// random number is drawn for them.
Clip render_clip(const ClipAttributes& attributes, int frames, int width, int height, std::uint64_t seed,
                 FigureCoverage* figures = nullptr, const std::vector<Prop>& props = {});

int camera_step_pixels(int height);
double camera_zoom_per_frame(int frames);

// What `move` does to the content of a clip of `frames` frames and `height` rows, per frame, with the
// conventions above (pan left: content moves right by camera_step_pixels; push in: it grows by
// camera_zoom_per_frame). Static: no motion.
CameraMotion content_motion(CameraMove move, int frames, int height);
// The content motion of the first camera move a prompt names (camera_move_from_words); static when
// it names none. What a generation request's camera_motion is set from.
CameraMotion prompt_camera_motion(std::string_view prompt, int frames, int height);

}  // namespace shotgen::world
