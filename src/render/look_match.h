#pragma once
// How closely a take follows the look its positive prompt asks for, as far as the analyzers can
// tell: each dimension the prompt names with the world's vocabulary (palette, lighting, style,
// camera move; the earliest mention, negations such as "not photorealistic" skipped) is compared
// with the class the take's recorded analysis measured. Dimensions the prompt does not name, or the
// analyzers cannot measure (lens, composition, ...), are not counted — nor the figure count: on the
// model's clips it misreads (looked at on the demo: lamp posts counted as figures beside one
// silhouette, a row of small figures read as one), and choosing takes by it chose worse takes.
//
// A camera move the finishing's reframe drew (finish/reframe.h: the shot asked for a move, the model
// drew it static) counts as the move, a style whose texture the finishing's style texture drew
// (finish/style_texture.h) as the style, and a palette the palette match recoloured the take into
// (finish/palette_match.h) as the palette: the film shows them. The check says which pass drew it
// (`drawn_by`).
//
// Why: a filmmaker renders several takes of a shot and keeps the one that looks as asked. With
// several finished takes and none approved, the film uses the take that matches most
// (render/take_store.h: chosen_take); `take list` shows the count and what missed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "finish/finish_decisions.h"
#include "world/attributes.h"

namespace shotgen::render {

struct LookCheck {
  std::string dimension;  // "palette", "lighting", "style", "camera"
  std::string asked;      // the world's canonical word the prompt names
  std::string measured;   // the class the analysis recorded ("" when it recorded none)
  // "": `measured` is what the model's frames measured; else the finishing pass that drew it where the
  // model missed: "reframe" (camera), "style texture" (style), "palette match" (palette).
  std::string drawn_by;
  bool matches() const { return asked == measured; }
};

struct LookMatch {
  std::vector<LookCheck> checks;  // one per dimension the prompt names, in the order above
  int asked() const { return static_cast<int>(checks.size()); }
  int matched() const;
  int drawn_matched() const;  // matched by the model's own frames (not by a finishing pass)
  // Every look the prompt names was measured (also when it names none).
  bool as_asked() const { return matched() == asked(); }
  // "camera: asked push in, measured static camera; ..." — the checks that missed ("" when none).
  std::string misses() const;
  // "camera: push in drawn by the reframe; style: photoreal drawn by the style texture", for what
  // the finishing drew ("" when it drew nothing).
  std::string finishing_note() const;
};

// `analysis` is a take's analysis_json as analyze::to_json writes it; a record without analysis
// ("{}") matches nothing the prompt asks. `finishing`: what the take's finishing drew — its move
// stands for the camera the analysis measured static, its texture's style for the style the
// analysis measured, its matched palette for the palette the analysis measured.
LookMatch look_match(std::string_view positive, const nlohmann::json& analysis,
                     const finish::FinishDecisions& finishing = {});

// {"matched": 3, "asked": 5, "checks": [{"dimension": "camera", "asked": "push in", "measured":
// "static camera", "matches": false}, ...]}; a check a finishing pass met carries "drawn_by":
// "reframe" (or "style texture", "palette match"): what `take list --json` and the review room show.
nlohmann::json to_json(const LookMatch& look);

}  // namespace shotgen::render
