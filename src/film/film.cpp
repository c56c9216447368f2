#include "film/film.h"

#include <algorithm>

namespace shotgen::film {
namespace {

constexpr std::array<std::string_view, kLookFieldCount> kLookKeys = {
    "camera_move", "camera_angle", "shot_size",   "lens", "lighting",
    "palette",     "composition",  "atmosphere", "mood", "attribution"};

}  // namespace

std::string_view look_field_key(LookField field) { return kLookKeys[static_cast<std::size_t>(field)]; }

std::optional<LookField> look_field_from_key(std::string_view key) {
  for (std::size_t i = 0; i < kLookKeys.size(); ++i)
    if (kLookKeys[i] == key) return static_cast<LookField>(i);
  return std::nullopt;
}

const std::array<LookField, kLookFieldCount>& all_look_fields() {
  static const auto fields = [] {
    std::array<LookField, kLookFieldCount> out{};
    for (std::size_t i = 0; i < kLookFieldCount; ++i) out[i] = static_cast<LookField>(i);
    return out;
  }();
  return fields;
}

bool Look::empty() const {
  return std::none_of(values.begin(), values.end(), [](const auto& v) { return v.has_value(); });
}

Look Look::overridden_by(const Look& over) const {
  Look out = *this;
  for (std::size_t i = 0; i < kLookFieldCount; ++i)
    if (over.values[i]) out.values[i] = over.values[i];
  return out;
}

std::string_view seed_policy_name(SeedPolicy p) { return p == SeedPolicy::Fixed ? "fixed" : "per_shot"; }

std::optional<SeedPolicy> seed_policy_from_name(std::string_view name) {
  if (name == "per_shot") return SeedPolicy::PerShot;
  if (name == "fixed") return SeedPolicy::Fixed;
  return std::nullopt;
}

std::vector<std::string> NegativeBlock::all_terms() const {
  std::vector<std::string> out;
  for (const auto* layer : {&format, &anatomy, &quality, &extra}) out.insert(out.end(), layer->begin(), layer->end());
  return out;
}

const std::vector<std::string>& reference_dimensions() {
  static const std::vector<std::string> dims = {"palette",    "lighting",   "texture",    "composition",
                                                "background", "lens_flare", "color_cast", "character"};
  return dims;
}

bool is_reference_dimension(std::string_view name) {
  const auto& dims = reference_dimensions();
  return std::find(dims.begin(), dims.end(), name) != dims.end();
}

std::string_view transition_name(Transition t) {
  switch (t) {
    case Transition::Cut: return "cut";
    case Transition::Crossfade: return "crossfade";
    case Transition::DipToBlack: return "dip_to_black";
  }
  return "cut";
}

std::optional<Transition> transition_from_name(std::string_view name) {
  for (auto t : {Transition::Cut, Transition::Crossfade, Transition::DipToBlack})
    if (transition_name(t) == name) return t;
  return std::nullopt;
}

const Shot* Film::find_shot(std::string_view id) const {
  for (const auto& scene : scenes)
    for (const auto& shot : scene.shots)
      if (shot.id == id) return &shot;
  return nullptr;
}

const Scene* Film::scene_of(std::string_view shot_id) const {
  for (const auto& scene : scenes)
    for (const auto& shot : scene.shots)
      if (shot.id == shot_id) return &scene;
  return nullptr;
}

const Reference* Film::find_reference(std::string_view id) const {
  for (const auto& ref : references)
    if (ref.id == id) return &ref;
  return nullptr;
}

std::size_t Film::shot_count() const {
  std::size_t n = 0;
  for (const auto& scene : scenes) n += scene.shots.size();
  return n;
}

}  // namespace shotgen::film
