#include "finish/finish_decisions.h"

#include <nlohmann/json.hpp>

namespace shotgen::finish {

FinishDecisions recorded_decisions(const std::string& finish_json) {
  FinishDecisions drawn;
  if (finish_json.empty()) return drawn;
  const auto record = nlohmann::json::parse(finish_json, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return drawn;
  if (record.contains("reframed") && record["reframed"].is_string())
    drawn.reframe = world::camera_move_from_words(record["reframed"].get<std::string>());
  if (record.contains("textured") && record["textured"].is_string())
    drawn.texture = world::style_from_words(record["textured"].get<std::string>());
  if (record.contains("palette_matched") && record["palette_matched"].is_string())
    drawn.palette = world::palette_from_words(record["palette_matched"].get<std::string>());
  return drawn;
}

}  // namespace shotgen::finish
