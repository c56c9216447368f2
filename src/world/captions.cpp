#include "world/captions.h"

#include "world/world.h"

namespace shotgen::world {
namespace {

template <class E>
std::string pick(E value, Rng& rng) {
  const auto& options = phrasings(value);
  return std::string(options[rng.below(static_cast<int>(options.size()))]);
}

std::string action_phrase(Characters characters, Rng& rng) {
  static const std::vector<std::string_view> one = {"a lone figure stands", "one figure standing still",
                                                    "a single figure waits"};
  static const std::vector<std::string_view> two = {"two figures stand together", "a pair of figures talking",
                                                    "two people standing side by side"};
  static const std::vector<std::string_view> crowd = {"a crowd gathers", "a crowd standing around",
                                                      "a group of people gathers"};
  const auto& options = characters == Characters::One ? one : (characters == Characters::Two ? two : crowd);
  return std::string(options[rng.below(static_cast<int>(options.size()))]);
}

std::string mood_phrase(Mood mood, Rng& rng) {
  const std::string w = pick(mood, rng);
  switch (rng.below(3)) {
    case 0: return w;
    case 1: return w + " mood";
    default: return "a " + w + " feeling";
  }
}

template <class E>
E different_value(const auto& all, E current, Rng& rng) {
  E value = current;
  while (value == current) value = all[rng.below(static_cast<int>(all.size()))];
  return value;
}

}  // namespace

std::vector<CaptionPart> caption_parts(const ClipAttributes& a, Rng& rng) {
  std::vector<CaptionPart> parts;
  if (rng.chance(0.1)) return parts;
  auto add = [&](CaptionSection section, std::string text) {
    if (!rng.chance(0.2)) parts.push_back({section, std::move(text)});
  };
  std::string style = pick(a.style, rng);
  if (a.style != Style::Photoreal && rng.chance(0.4)) style += ", not live action, not photorealistic";
  add(CaptionSection::Style, std::move(style));
  add(CaptionSection::Action, action_phrase(a.characters, rng));
  add(CaptionSection::Camera, pick(a.camera, rng));
  add(CaptionSection::Lens, pick(a.lens, rng));
  add(CaptionSection::Lighting, pick(a.lighting, rng));
  add(CaptionSection::Palette, pick(a.palette, rng));
  add(CaptionSection::Composition, pick(a.composition, rng));
  add(CaptionSection::Atmosphere, pick(a.atmosphere, rng));
  add(CaptionSection::Mood, mood_phrase(a.mood, rng));
  return parts;
}

std::string caption_for(const ClipAttributes& a, Rng& rng) {
  std::string caption;
  for (const auto& part : caption_parts(a, rng)) {
    if (!caption.empty()) caption += ", ";
    caption += part.text;
  }
  return caption;
}

std::string_view word(ReferenceDimension dimension) {
  switch (dimension) {
    case ReferenceDimension::Palette: return "palette";
    case ReferenceDimension::Lighting: return "lighting";
    case ReferenceDimension::Texture: return "texture";
    case ReferenceDimension::Composition: return "composition";
  }
  return "palette";
}

ReferenceExample make_reference(const ClipAttributes& target, int width, int height, Rng& rng) {
  ReferenceExample example;
  while (example.shared.empty())
    for (ReferenceDimension d : kReferenceDimensions)
      if (rng.chance(0.5)) example.shared.push_back(d);
  auto shares = [&](ReferenceDimension d) {
    for (ReferenceDimension s : example.shared)
      if (s == d) return true;
    return false;
  };
  ClipAttributes ref = sample_attributes(rng);
  ref.camera = CameraMove::Static;
  ref.palette = shares(ReferenceDimension::Palette) ? target.palette : different_value(kPalettes, target.palette, rng);
  ref.lighting =
      shares(ReferenceDimension::Lighting) ? target.lighting : different_value(kLightings, target.lighting, rng);
  ref.style = shares(ReferenceDimension::Texture) ? target.style : different_value(kStyles, target.style, rng);
  ref.composition = shares(ReferenceDimension::Composition) ? target.composition
                                                             : different_value(kCompositions, target.composition, rng);
  ref.mood = mood_for(ref.lighting, ref.palette, ref.atmosphere);
  Clip clip = render_clip(ref, 1, width, height, rng.next());
  example.image = std::move(clip.frames.front());
  example.attributes = ref;
  return example;
}

}  // namespace shotgen::world
