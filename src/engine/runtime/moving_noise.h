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

// field [C, H·k, W·k] → [C, frames, H, W], k = `subcells` (the field holds k×k noise sub-cells per
// grid cell). Frame f is the field with its content translated by round((first + f)·dx·k),
// round((first + f)·dy·k) sub-cells and scaled by scale^(f − f₀) about the centre, where f₀ is the
// frame where the content is smallest (0 for growing content, the last frame for shrinking), so a
// frame only ever magnifies the field. Each grid cell of a frame sums the sub-cells its k×k
// sub-positions come from (a sub-cell counted as often as it is hit) and divides by the root of the
// sum of the squared counts, so every cell is unit noise and neighbouring cells, drawing on disjoint
// sub-cells, stay independent. Sub-cells moved past an edge come back at the other (wrap).
// k = 1 moves whole cells (nearest-neighbour magnification, which repeats cells: a zoom moves the
// noise by under a cell a frame at the edges and not at all near the centre); k > 1 resolves a zoom
// and fractional pans to 1/k of a cell. A static motion gives the same frame `frames` times.
// `first`: the index in the clip of the first frame asked for. A long shot's later windows continue
// the translation where the frames they are given clean left it (so the noise lies under the
// content as it moved), while a zoom starts again in each window: carried over a whole shot it
// would magnify the field far beyond the one window the model was trained on.
torch::Tensor move_with_camera(const torch::Tensor& field, int frames, const CameraMotion& motion, int first = 0,
                               int subcells = 1);

}  // namespace shotgen::engine
