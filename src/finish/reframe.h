#pragma once
// The reframe pass: a digital camera move for a shot whose look asks for one the model drew static.
//
// The bundled model draws most pans and tilts it is asked for but few push-ins and pull-outs
// (README: zooms 2 of 16); a shot that asks for "push in" and comes out locked off is a different
// shot. An editor's fix is the punch-in: move a crop window over the frame. The reframe does that
// only where it is needed — the take's prompt names a camera move and the model's frames
// measure static (analyze::measure_motion, as the take's analysis) — and never on top of a move
// the model drew. The window moves at constant speed over the whole shot: a push in ends `zoom` times
// closer (a pull out starts there), a pan or tilt crops `zoom` times and travels across the whole
// margin. It is not a pass of its own over the pixels: it moves the upscale's crop window
// (UpscaleGeometry), so each frame is resampled once, from the generated frame, on the CPU and on
// Vulkan alike; a film that lists "reframe" must list "upscale" (finish_plan.h checks it).
#include <cstddef>
#include <optional>
#include <string_view>

#include "core/image.h"
#include "finish/upscale.h"
#include "world/attributes.h"

namespace shotgen::finish {

// Where one frame's crop window sits inside the fitted crop (the part of the generated frame the
// upscale would show): `zoom` times smaller, its centre moved by offset_x / offset_y times the
// fitted crop's width / height. The default window is the fitted crop itself.
struct CropWindow {
  float zoom = 1;
  float offset_x = 0, offset_y = 0;
  bool operator==(const CropWindow&) const = default;
};

// Frame `frame` of `frame_count` of the digital `move` (Static: the default window). The window
// never leaves the fitted crop. Sign convention, the world's: "pan left" moves the window left,
// so the content moves right in frame; "tilt up" moves it up.
CropWindow reframe_window(world::CameraMove move, float zoom, std::size_t frame, std::size_t frame_count);

// `fitted` with its crop narrowed to `window`.
UpscaleGeometry within_window(const UpscaleGeometry& fitted, const CropWindow& window);

// The move the reframe draws into a clip generated from the prompt `positive`: the camera move the
// prompt names (the world's words, as the take's look check reads them: render/look_match.h) when
// the model's frames measured `drawn` = Static; nothing for a prompt that names no move or a clip
// the model drew moving.
std::optional<world::CameraMove> digital_move(std::string_view positive, world::CameraMove drawn);

// The clip at its own size with `move` drawn digitally (Lanczos-3, crop fit): what `model eval
// --reframe` measures. The film's takes get the move inside their upscale instead (Finisher).
Clip reframe_clip(const Clip& clip, world::CameraMove move, float zoom);

}  // namespace shotgen::finish
