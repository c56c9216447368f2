#pragma once
// The re-route check: after a take is generated, did the shot's negative bite? When the analyzers
// measure in the take what its negative prompt asked to avoid, the field's advice is to send the
// shot to the next backend on its route rather than rewrite the prompt.
//
// Measurable negatives (each negative term is read on its own, with the world's vocabulary):
//   a palette term ("green tones", "monochrome", "teal and orange", ...)
//       green tones: did not bite when the palette class is green tones or the green share is
//                    >= kGreenShareLimit (0.30: world clips graded green sit well above it, other
//                    palettes well below; see analyze/palette.h for how the share is measured)
//       any other:   did not bite when the palette class is that palette
//   a style term ("photorealistic", "live action", "flat 2D animation", ...; "3D render" and "CGI"
//   count as photoreal, the look they drift to)
//                    did not bite when the style class is that style
// Terms the analyzers cannot measure (anatomy, quality, ...) never trigger a re-route.
#include <optional>
#include <string>
#include <vector>

#include "analyze/clip_analysis.h"

namespace shotgen::render {

inline constexpr double kGreenShareLimit = 0.30;

// The reason the negative did not bite ("negative 'green tones' did not bite: green share 0.42 >=
// 0.30"), naming every failing term; nullopt when every measurable term held.
std::optional<std::string> negative_miss(const std::vector<std::string>& negative_terms,
                                         const analyze::ClipAnalysis& analysis);

// Whether any of `negative_terms` is measurable (the analysis can be skipped otherwise).
bool has_measurable_negative(const std::vector<std::string>& negative_terms);

}  // namespace shotgen::render
