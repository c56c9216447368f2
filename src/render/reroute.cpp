#include "render/reroute.h"

#include <cstdio>

#include "prompt/backend_caps.h"
#include "world/attributes.h"

namespace shotgen::render {
namespace {

std::optional<world::Style> style_of_term(const std::string& term) {
  if (auto style = world::style_from_words(term)) return style;
  const auto words = prompt::prompt_words(term);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "cgi") return world::Style::Photoreal;
    if (words[i] == "3d" && i + 1 < words.size() && words[i + 1] == "render") return world::Style::Photoreal;
  }
  return std::nullopt;
}

std::string fixed2(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

}  // namespace

bool has_measurable_negative(const std::vector<std::string>& negative_terms) {
  for (const auto& term : negative_terms)
    if (world::palette_from_words(term) || style_of_term(term)) return true;
  return false;
}

std::optional<std::string> negative_miss(const std::vector<std::string>& negative_terms,
                                         const analyze::ClipAnalysis& analysis) {
  std::vector<std::string> misses;
  for (const auto& term : negative_terms) {
    if (auto palette = world::palette_from_words(term)) {
      if (*palette == world::Palette::GreenTones) {
        if (analysis.palette.palette == world::Palette::GreenTones)
          misses.push_back("'" + term + "' (palette measures green tones, green share " +
                           fixed2(analysis.palette.green_share) + ")");
        else if (analysis.palette.green_share >= kGreenShareLimit)
          misses.push_back("'" + term + "' (green share " + fixed2(analysis.palette.green_share) +
                           " >= " + fixed2(kGreenShareLimit) + ")");
      } else if (analysis.palette.palette == *palette) {
        misses.push_back("'" + term + "' (palette measures " + std::string(world::word(*palette)) + ")");
      }
    }
    if (auto style = style_of_term(term); style && analysis.style.style == *style)
      misses.push_back("'" + term + "' (style measures " + std::string(world::word(*style)) + ")");
  }
  if (misses.empty()) return std::nullopt;
  std::string reason = "negative did not bite: ";
  for (std::size_t i = 0; i < misses.size(); ++i) reason += (i ? ", " : "") + misses[i];
  return reason;
}

}  // namespace shotgen::render
