#pragma once
// Everything the analyzers measure about a clip, from its frames only (no ground truth).
#include <nlohmann/json_fwd.hpp>

#include "analyze/characters.h"
#include "analyze/key.h"
#include "analyze/motion.h"
#include "analyze/palette.h"
#include "analyze/style.h"
#include "core/image.h"

namespace shotgen::analyze {

struct ClipAnalysis {
  int frames = 0, width = 0, height = 0;
  PaletteMeasure palette;
  KeyMeasure key;
  StyleMeasure style;
  MotionMeasure motion;
  CharacterMeasure characters;
};

// Throws shotgen::Error for an empty clip or frames of different sizes.
ClipAnalysis analyze_clip(const Clip& clip);

// {"palette": {"class": "green tones", "green_share": ...}, "key": {...}, "style": {...},
//  "camera": {...}, "characters": {...}, "flicker": ...} with the world's canonical words.
nlohmann::json to_json(const ClipAnalysis& analysis);

}  // namespace shotgen::analyze
