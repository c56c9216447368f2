#pragma once
// The deflicker pass: a clip-level temporal filter at the generation size, before any frame pass.
// The model redraws a steady scene slightly differently every frame (texture shimmer, speckle that
// moves, brightness that breathes); a viewer sees that as flicker, the world's clips do not have it.
//
// Each frame is blended with the previous finished frame aligned by the camera motion between them
// (analyze::frame_steps: translation and zoom), pixel by pixel, by how well the two agree there
// (the larger of the pixel's own difference and its 3x3 neighbourhood's mean, so a particle or an
// edge that moved counts as changed): where they agree the aligned frame weighs up to `strength` x
// kDeflickerMaxBlend, and the weight falls as exp(-(difference / kDeflickerTolerance)^2), so where
// they differ (a figure that moved, rain, a flash, a cut) the frame stays as drawn and nothing
// ghosts. The blend's fine detail is then scaled back up to the drawn frame's local contrast, so a
// texture drawn anew each frame (brushstrokes, grain) is steadied, not averaged flat. The same
// filter then runs backward over the result, so the first frame is steadied like
// the others and nothing lags behind a slow change. Deterministic, CPU only: a 128x64 shot of 16
// frames takes about 50 ms on one core (bench/README.md), beside seconds of model.
#include "core/image.h"

namespace shotgen::finish {

// The largest weight the aligned neighbour frame gets (strength 1).
inline constexpr float kDeflickerMaxBlend = 0.75f;
// The difference (mean over R, G, B; full scale 1) at which a pixel counts as changed. Chosen on
// 12 of the model's clips and 8 of the world's (docs/ENGINE.md): 0.06 steadied less, 0.10 more but
// took more of the world clips' own edges and rain.
inline constexpr float kDeflickerTolerance = 0.08f;

// `strength` in [0, 1]; 0 returns the clip unchanged, as do clips of fewer than 2 frames or of
// frames smaller than 3x3.
Clip deflicker(const Clip& clip, float strength);

}  // namespace shotgen::finish
