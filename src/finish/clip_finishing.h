#pragma once
// A clip finished as a film with these passes in its [finish] would finish a take, outside any film:
// what `shotgen generate` writes and `shotgen model eval` measures. The same passes in the
// Finisher's order (finisher.h), decided the way a render decides them: on the frames as the model
// drew them (the reframe's move, the style texture's style, the palette match's palette), then the
// deflicker, the texture, the palette match, the palette lock, the move.
#include <cstdint>
#include <string_view>

#include "core/image.h"
#include "finish/finish_decisions.h"

namespace shotgen::finish {

struct ClipFinishing {
  double deflicker = 0;       // strength (deflicker.h); 0: off
  bool style_texture = false; // style_texture.h
  bool palette_match = false; // palette_match.h
  double palette_lock = 0;    // strength toward the palette the prompt names (palette_lock.h); 0: off
  double reframe = 0;         // the crop zoom of a move the model drew static (reframe.h); 0: off
};

struct FinishedClip {
  Clip clip;
  FinishDecisions decisions;  // what the finishing drew where the model missed
};

// `drawn` (generated from the prompt `positive` with `seed`) through the passes `finishing` names.
FinishedClip finish_clip(const Clip& drawn, std::string_view positive, std::uint64_t seed, const ClipFinishing& finishing);

}  // namespace shotgen::finish
