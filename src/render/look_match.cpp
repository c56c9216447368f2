#include "render/look_match.h"

#include <nlohmann/json.hpp>

#include <optional>

#include "world/attributes.h"

namespace shotgen::render {
namespace {

// The class the analysis recorded under `key` (to_json's layout: {"palette": {"class": ...}}).
std::string measured_class(const nlohmann::json& analysis, const char* key) {
  if (!analysis.is_object() || !analysis.contains(key) || !analysis[key].is_object()) return "";
  const auto& measure = analysis[key];
  return measure.contains("class") && measure["class"].is_string() ? measure["class"].get<std::string>() : "";
}

template <class Value>
void check(std::vector<LookCheck>& checks, const char* dimension, const char* analysis_key, std::optional<Value> asked,
           const nlohmann::json& analysis) {
  if (asked) checks.push_back({dimension, std::string(world::word(*asked)), measured_class(analysis, analysis_key), ""});
}

}  // namespace

int LookMatch::matched() const {
  int count = 0;
  for (const auto& c : checks) count += c.matches();
  return count;
}

int LookMatch::drawn_matched() const {
  int count = 0;
  for (const auto& c : checks) count += c.matches() && c.drawn_by.empty();
  return count;
}

std::string LookMatch::misses() const {
  std::string out;
  for (const auto& c : checks)
    if (!c.matches())
      out += (out.empty() ? "" : "; ") + c.dimension + ": asked " + c.asked + ", measured " +
             (c.measured.empty() ? "nothing" : c.measured);
  return out;
}

std::string LookMatch::finishing_note() const {
  std::string out;
  for (const auto& c : checks)
    if (!c.drawn_by.empty()) out += (out.empty() ? "" : "; ") + c.dimension + ": " + c.measured + " drawn by the " + c.drawn_by;
  return out;
}

LookMatch look_match(std::string_view positive, const nlohmann::json& analysis,
                     const finish::FinishDecisions& finishing) {
  LookMatch match;
  check(match.checks, "palette", "palette", world::palette_from_words(positive), analysis);
  check(match.checks, "lighting", "key", world::lighting_from_words(positive), analysis);
  check(match.checks, "style", "style", world::style_from_words(positive), analysis);
  check(match.checks, "camera", "camera", world::camera_move_from_words(positive), analysis);
  if (finishing.reframe && !match.checks.empty() && match.checks.back().dimension == "camera" &&
      match.checks.back().measured == world::word(world::CameraMove::Static)) {
    match.checks.back().measured = std::string(world::word(*finishing.reframe));
    match.checks.back().drawn_by = "reframe";
  }
  // The style texture and the palette match draw what the prompt asks over whatever the model drew.
  const auto drawn_over = [&](const char* dimension, std::string_view drawn, const char* pass) {
    for (auto& c : match.checks)
      if (c.dimension == dimension && c.asked == drawn) {
        c.measured = c.asked;
        c.drawn_by = pass;
      }
  };
  if (finishing.texture) drawn_over("style", world::word(*finishing.texture), "style texture");
  if (finishing.palette) drawn_over("palette", world::word(*finishing.palette), "palette match");
  return match;
}

nlohmann::json to_json(const LookMatch& look) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : look.checks) {
    nlohmann::json check = {{"dimension", c.dimension}, {"asked", c.asked}, {"measured", c.measured}, {"matches", c.matches()}};
    if (!c.drawn_by.empty()) check["drawn_by"] = c.drawn_by;
    checks.push_back(std::move(check));
  }
  return {{"matched", look.matched()}, {"asked", look.asked()}, {"checks", checks}};
}

}  // namespace shotgen::render
