#pragma once
// The shared part of a clip's starting noise, moved frame by frame as the camera moves the content
// (noise that follows the camera, after "Go-with-the-Flow", Burgert et al. 2025). Why: a layout
// forms where the noise has structure; noise that stands still while the captions ask for a pan
// draws a still clip (v3.4 drew every camera move static). The trainer moves the shared noise with
// each world clip's true camera, the engine with the motion a request asks for, so the model learns
// that structure in the noise travels with the content, and draws the move the noise makes.
// Private to engine + train (exposes libtorch).
#include <torch/torch.h>

#include "core/camera_motion.h"

namespace shotgen::engine {

// field [C,H,W] → [C,frames,H,W]. Frame f is the field with its content translated by
// round((first + f)·dx), round((first + f)·dy) grid cells and scaled by scale^(f − f₀) about the
// centre, where f₀ is
// the frame where the content is smallest (0 for growing content, the last frame for shrinking), so
// a frame only ever magnifies the field: nearest-neighbour sampling repeats cells, each cell keeps
// the field's distribution. Cells moved past an edge come back at the other (wrap), so every frame
// is still unit noise. A static motion gives `frames` copies of the field.
// `first`: the index in the clip of the first frame asked for. A long shot's later windows continue
// the translation where the frames they are given clean left it (so the noise lies under the
// content as it moved), while a zoom starts again in each window: carried over a whole shot it
// would magnify the field far beyond the one window the model was trained on.
torch::Tensor move_with_camera(const torch::Tensor& field, int frames, const CameraMotion& motion, int first = 0);

}  // namespace shotgen::engine
