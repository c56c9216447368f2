#pragma once
// What a take's finishing draws where the model missed what the take's prompt asks, decided per
// take from the prompt and the model's frames (the take's analysis): the camera move the reframe
// draws over a shot the model drew static (reframe.h), the style whose texture the style texture
// draws over a shot the model drew in another style (style_texture.h), the palette the palette
// match recolours a shot the model drew in another palette into (palette_match.h). The Finisher
// draws them, the take's finish record keeps them ("reframed", "textured", "palette_matched"), and
// the look check and `shotgen analyze` read them back: the film shows them.
#include <optional>
#include <string>

#include "world/attributes.h"

namespace shotgen::finish {

// What a prompt asks of one dimension where the model drew something else: `asked`, or none when
// the prompt asks nothing of it or the model drew what it asks.
template <class Value>
std::optional<Value> missed(std::optional<Value> asked, Value drawn) {
  if (!asked || *asked == drawn) return std::nullopt;
  return asked;
}

struct FinishDecisions {
  std::optional<world::CameraMove> reframe;
  std::optional<world::Style> texture;
  std::optional<world::Palette> palette;
  bool operator==(const FinishDecisions&) const = default;
};

// The decisions a take's finish record (takes.finish_json, the MP4's shotgen_finish tag) keeps;
// none for an empty, old or unreadable record.
FinishDecisions recorded_decisions(const std::string& finish_json);

}  // namespace shotgen::finish
