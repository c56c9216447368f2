#pragma once
// A clip through the model's own frame autoencoder: every frame encoded to latents and decoded
// again, nothing else. The decoder draws every frame a latent model generates, so what the analyzers
// read on world clips after the round trip is the most a perfect denoiser of this model could score:
// `model eval` reports it beside the world's own clips ("autoencoder" column). It was added when the
// round trip showed style stuck at the autoencoder's ceiling: photoreal grain and flat 2D fills and
// outlines do not survive a 4× latent, so the analyzer reads both as painterly (docs/ENGINE.md).
// Torch-free interface.
#include <optional>
#include <vector>

#include "core/image.h"

namespace shotgen::engine {
class Engine;
}

namespace shotgen::train {

// The clips (all the same size, a multiple of the latent factor per side) after the round trip, in
// order; std::nullopt for a pixel-space model, which has no autoencoder to bound it.
std::optional<std::vector<Clip>> autoencoder_round_trip(engine::Engine& engine, const std::vector<Clip>& clips);

}  // namespace shotgen::train
