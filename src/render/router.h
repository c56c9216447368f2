#pragma once
// Routing: which backends render a shot, preferred first. The rest of the list is where a shot
// goes when the analyzers show that its negative did not bite on the previous backend.
//
// Order of precedence (highest first):
//   1. `--backend B` on the command line: exactly [B], no re-routing.
//   2. the shot's `route` hint: [hint] followed by the list rules 3/4 would give, without the hint.
//   3. the first [[routing.rules]] entry whose every set condition (tag, scene, shot, mode) matches.
//   4. [routing] fallback. In draft mode the distilled (turbo) backends of the fallback list move
//      to its front, so `--mode draft` drafts fast even without a draft rule.
// Every backend name is checked against the known backends; an unknown one is a shotgen::Error
// naming the rule's (or shot's) film.toml line.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "film/film.h"
#include "prompt/backend_caps.h"
#include "prompt/lint.h"

namespace shotgen::render {

enum class RenderMode { Draft, Final };
std::string_view render_mode_name(RenderMode mode);  // "draft" / "final"
// Throws shotgen::Error for anything but "draft" or "final".
RenderMode render_mode_from_name(std::string_view name);

struct Route {
  std::vector<std::string> backends;  // preferred first, never empty
  std::string decided_by;             // "--backend", "route hint", "rule film.toml:40:1", "fallback"
};

// The backend list for `shot`. Throws shotgen::Error for an unknown backend name.
Route route_shot(const film::Film& film, const film::Shot& shot, RenderMode mode,
                 const std::optional<std::string>& backend_override,
                 const std::vector<prompt::BackendCaps>& known);

// Checks every backend named anywhere in [routing], shot route hints and `backend_override`,
// whether or not a shot uses it. Throws shotgen::Error for the first unknown one.
void validate_routing(const film::Film& film, const std::vector<prompt::BackendCaps>& known,
                      const std::optional<std::string>& backend_override = std::nullopt);

// Lint checks of the routing, appended to `report`:
//   unknown-backend        (error)   a rule, the fallback or a route hint names no known backend
//   prompt-block-too-long  (error)   the style or negative block alone exceeds the prompt limit of
//                                    a backend some shot can be routed to (render would refuse it)
//   route-drops-negative   (warning) a shot whose negative prompt is not empty can be routed (in
//                                    draft or final mode, first choice or fallback) to a backend
//                                    that does not accept negative prompts
void lint_routing(const film::Film& film, const std::vector<prompt::BackendCaps>& known,
                  prompt::LintReport& report);

}  // namespace shotgen::render
