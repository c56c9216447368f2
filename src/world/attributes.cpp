#include "world/attributes.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace shotgen::world {
namespace {

template <class E>
struct Entry {
  E value;
  std::vector<std::string_view> phrases;  // first = canonical word
};

template <class E>
using Table = std::vector<Entry<E>>;

const Table<Style>& style_table() {
  static const Table<Style> t = {
      {Style::Flat2D, {"flat 2D animation", "2D animation", "flat animation", "flat cartoon style", "cel-shaded cartoon"}},
      {Style::Painterly, {"painterly", "hand-painted", "oil painting", "brushstroke texture", "painted look"}},
      {Style::Photoreal, {"photoreal", "photorealistic", "live action", "realistic footage", "photographic"}},
  };
  return t;
}
const Table<CameraMove>& camera_table() {
  static const Table<CameraMove> t = {
      {CameraMove::Static, {"static camera", "static shot", "locked-off camera", "still camera"}},
      {CameraMove::PanLeft, {"pan left", "camera pans left", "panning left"}},
      {CameraMove::PanRight, {"pan right", "camera pans right", "panning right"}},
      {CameraMove::TiltUp, {"tilt up", "camera tilts up", "tilting up"}},
      {CameraMove::TiltDown, {"tilt down", "camera tilts down", "tilting down"}},
      {CameraMove::PushIn, {"push in", "camera pushes in", "slow push in", "dolly in"}},
      {CameraMove::PullOut, {"pull out", "camera pulls out", "slow pull out", "dolly out"}},
  };
  return t;
}
const Table<Lens>& lens_table() {
  static const Table<Lens> t = {
      {Lens::Wide, {"wide lens", "wide-angle lens", "wide angle", "24mm lens"}},
      {Lens::Normal, {"normal lens", "50mm lens", "standard lens"}},
      {Lens::Telephoto, {"telephoto lens", "telephoto", "long lens", "200mm lens"}},
  };
  return t;
}
const Table<Composition>& composition_table() {
  static const Table<Composition> t = {
      {Composition::Centered, {"centered composition", "centered", "subject centered", "central framing"}},
      {Composition::ThirdsLeft, {"rule of thirds left", "subject on the left third", "framed left of centre"}},
      {Composition::ThirdsRight, {"rule of thirds right", "subject on the right third", "framed right of centre"}},
      {Composition::LowHorizon, {"low horizon", "horizon low in frame", "big sky"}},
      {Composition::HighHorizon, {"high horizon", "horizon high in frame", "ground-heavy framing"}},
  };
  return t;
}
const Table<Lighting>& lighting_table() {
  static const Table<Lighting> t = {
      {Lighting::HighKey, {"high-key lighting", "high-key", "high key", "bright even light"}},
      {Lighting::LowKey, {"low-key lighting", "low-key", "low key", "chiaroscuro"}},
      {Lighting::GoldenHour, {"golden hour", "golden-hour light", "sunset light", "low sun at sunset"}},
      {Lighting::Backlit, {"backlit silhouette", "backlit", "silhouette", "silhouetted against the sky"}},
      {Lighting::Night, {"night", "at night", "nighttime", "night scene"}},
  };
  return t;
}
const Table<Palette>& palette_table() {
  static const Table<Palette> t = {
      {Palette::Warm, {"warm palette", "warm tones", "warm colors", "warm colours"}},
      {Palette::Cool, {"cool palette", "cool tones", "cool colors", "cold blue tones"}},
      {Palette::TealOrange, {"teal and orange", "teal-orange grade", "orange and teal"}},
      {Palette::Monochrome, {"monochrome", "black and white", "greyscale", "grayscale"}},
      {Palette::GreenTones, {"green tones", "green palette", "greenish grade", "verdant greens"}},
      {Palette::Pastel, {"pastel", "pastel colors", "pastel palette", "soft pastels"}},
  };
  return t;
}
const Table<Atmosphere>& atmosphere_table() {
  static const Table<Atmosphere> t = {
      {Atmosphere::Clear, {"clear air", "clear weather", "crisp clear air"}},
      {Atmosphere::Fog, {"fog", "foggy", "misty", "thick fog"}},
      {Atmosphere::Rain, {"rain", "rainy", "pouring rain", "falling rain"}},
      {Atmosphere::Snow, {"snow", "snowy", "snowfall", "falling snow"}},
      {Atmosphere::Dust, {"dust", "dusty", "dusty haze", "dust in the air"}},
  };
  return t;
}
const Table<Characters>& characters_table() {
  static const Table<Characters> t = {
      {Characters::One, {"one figure", "a lone figure", "a single figure", "one person"}},
      {Characters::Two, {"two figures", "a pair of figures", "two people"}},
      {Characters::Crowd, {"a crowd", "crowd", "many figures", "a group of people"}},
  };
  return t;
}
// The phrasings and how film scripts name the cast: read in prompts, never written in captions (the
// world's captions, and so the trained models' words, stay as they were).
const Table<Characters>& characters_reading_table() {
  static const Table<Characters> t = [] {
    Table<Characters> all = characters_table();
    for (auto& entry : all) {
      auto& phrases = entry.phrases;
      if (entry.value == Characters::One) phrases.insert(phrases.end(), {"one character", "a single character"});
      if (entry.value == Characters::Two) phrases.insert(phrases.end(), {"two characters", "a pair of characters"});
      if (entry.value == Characters::Crowd) phrases.push_back("many characters");
    }
    return all;
  }();
  return t;
}
// The phrasings and the bare words a film's [look] palette is written with ("warm", "cool": the
// assembler writes the look's value as it is): read in prompts, never written in captions.
const Table<Palette>& palette_reading_table() {
  static const Table<Palette> t = [] {
    Table<Palette> all = palette_table();
    for (auto& entry : all) {
      if (entry.value == Palette::Warm) entry.phrases.push_back("warm");
      if (entry.value == Palette::Cool) entry.phrases.push_back("cool");
    }
    return all;
  }();
  return t;
}
const Table<Mood>& mood_table() {
  static const Table<Mood> t = {
      {Mood::Eerie, {"eerie", "unsettling", "ghostly"}},
      {Mood::Nostalgic, {"nostalgic", "wistful"}},
      {Mood::Cheerful, {"cheerful", "joyful", "upbeat"}},
      {Mood::Tense, {"tense", "suspenseful", "ominous"}},
      {Mood::Melancholic, {"melancholic", "melancholy", "somber"}},
      {Mood::Mysterious, {"mysterious", "enigmatic"}},
      {Mood::Dreamy, {"dreamy", "dreamlike", "ethereal"}},
      {Mood::Calm, {"calm", "peaceful", "serene"}},
  };
  return t;
}

const Table<Prop>& prop_table() {
  static const Table<Prop> t = {
      {Prop::Lantern, {"lantern", "lanterns"}},
      {Prop::Lighthouse, {"lighthouse", "lighthouses"}},
  };
  return t;
}

template <class E>
const std::vector<std::string_view>& phrases_in(const Table<E>& table, E value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.phrases;
  return table.front().phrases;  // unreachable: every enum value has a row
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// True when the word right before `pos` negates the mention ("not", "no", "without").
bool negated(const std::string& text, std::size_t pos) {
  std::size_t end = pos;
  while (end > 0 && !is_word_char(text[end - 1])) --end;
  std::size_t begin = end;
  while (begin > 0 && is_word_char(text[begin - 1])) --begin;
  std::string_view previous(text.data() + begin, end - begin);
  return previous == "not" || previous == "no" || previous == "without";
}

template <class E>
std::optional<E> find_in(const Table<E>& table, std::string_view raw) {
  const std::string text = lower(raw);
  std::optional<E> best;
  std::size_t best_pos = std::string::npos;
  std::size_t best_len = 0;
  for (const auto& entry : table) {
    for (std::string_view phrase_raw : entry.phrases) {
      const std::string phrase = lower(phrase_raw);
      for (std::size_t pos = text.find(phrase); pos != std::string::npos; pos = text.find(phrase, pos + 1)) {
        const std::size_t end = pos + phrase.size();
        if (pos > 0 && is_word_char(text[pos - 1])) continue;
        if (end < text.size() && is_word_char(text[end])) continue;
        if (negated(text, pos)) continue;
        if (pos < best_pos || (pos == best_pos && phrase.size() > best_len)) {
          best = entry.value;
          best_pos = pos;
          best_len = phrase.size();
        }
        break;  // later mentions of the same phrase cannot be earlier
      }
    }
  }
  return best;
}

}  // namespace

std::string_view word(Style v) { return phrases_in(style_table(), v).front(); }
std::string_view word(CameraMove v) { return phrases_in(camera_table(), v).front(); }
std::string_view word(Lens v) { return phrases_in(lens_table(), v).front(); }
std::string_view word(Composition v) { return phrases_in(composition_table(), v).front(); }
std::string_view word(Lighting v) { return phrases_in(lighting_table(), v).front(); }
std::string_view word(Palette v) { return phrases_in(palette_table(), v).front(); }
std::string_view word(Atmosphere v) { return phrases_in(atmosphere_table(), v).front(); }
std::string_view word(Characters v) { return phrases_in(characters_table(), v).front(); }
std::string_view word(Mood v) { return phrases_in(mood_table(), v).front(); }
std::string_view word(Prop v) { return phrases_in(prop_table(), v).front(); }

const std::vector<std::string_view>& phrasings(Style v) { return phrases_in(style_table(), v); }
const std::vector<std::string_view>& phrasings(CameraMove v) { return phrases_in(camera_table(), v); }
const std::vector<std::string_view>& phrasings(Lens v) { return phrases_in(lens_table(), v); }
const std::vector<std::string_view>& phrasings(Composition v) { return phrases_in(composition_table(), v); }
const std::vector<std::string_view>& phrasings(Lighting v) { return phrases_in(lighting_table(), v); }
const std::vector<std::string_view>& phrasings(Palette v) { return phrases_in(palette_table(), v); }
const std::vector<std::string_view>& phrasings(Atmosphere v) { return phrases_in(atmosphere_table(), v); }
const std::vector<std::string_view>& phrasings(Characters v) { return phrases_in(characters_table(), v); }
const std::vector<std::string_view>& phrasings(Mood v) { return phrases_in(mood_table(), v); }

std::optional<Style> style_from_words(std::string_view text) { return find_in(style_table(), text); }
std::optional<CameraMove> camera_move_from_words(std::string_view text) { return find_in(camera_table(), text); }
std::optional<Lens> lens_from_words(std::string_view text) { return find_in(lens_table(), text); }
std::optional<Composition> composition_from_words(std::string_view text) {
  return find_in(composition_table(), text);
}
std::optional<Lighting> lighting_from_words(std::string_view text) { return find_in(lighting_table(), text); }
std::optional<Palette> palette_from_words(std::string_view text) { return find_in(palette_reading_table(), text); }
std::optional<Atmosphere> atmosphere_from_words(std::string_view text) {
  return find_in(atmosphere_table(), text);
}
std::optional<Characters> characters_from_words(std::string_view text) {
  return find_in(characters_reading_table(), text);
}
std::optional<Mood> mood_from_words(std::string_view text) { return find_in(mood_table(), text); }

std::vector<Prop> props_from_words(std::string_view text) {
  std::vector<Prop> named;
  for (const auto& entry : prop_table())
    if (find_in(Table<Prop>{entry}, text)) named.push_back(entry.value);
  return named;
}

Mood mood_for(Lighting lighting, Palette palette, Atmosphere atmosphere) {
  if (lighting == Lighting::Night && atmosphere == Atmosphere::Fog) return Mood::Eerie;
  if (lighting == Lighting::GoldenHour && palette == Palette::Warm) return Mood::Nostalgic;
  if (lighting == Lighting::HighKey && palette == Palette::Pastel) return Mood::Cheerful;
  if (lighting == Lighting::LowKey) return Mood::Tense;
  if (atmosphere == Atmosphere::Rain) return Mood::Melancholic;
  if (lighting == Lighting::Backlit) return Mood::Mysterious;
  if (atmosphere == Atmosphere::Fog || atmosphere == Atmosphere::Snow) return Mood::Dreamy;
  return Mood::Calm;
}

ClipAttributes sample_attributes(Rng& rng) {
  ClipAttributes a;
  const double s = rng.uniform();
  a.style = s < 0.70 ? Style::Photoreal : (s < 0.85 ? Style::Flat2D : Style::Painterly);
  a.camera = kCameraMoves[rng.below(kCameraMoves.size())];
  a.lens = kLenses[rng.below(kLenses.size())];
  a.composition = kCompositions[rng.below(kCompositions.size())];
  a.lighting = kLightings[rng.below(kLightings.size())];
  a.palette = kPalettes[rng.below(kPalettes.size())];
  a.atmosphere = kAtmospheres[rng.below(kAtmospheres.size())];
  a.characters = kCharacters[rng.below(kCharacters.size())];
  a.mood = mood_for(a.lighting, a.palette, a.atmosphere);
  return a;
}

nlohmann::json to_json(const ClipAttributes& a) {
  return {{"style", word(a.style)},           {"camera", word(a.camera)},
          {"lens", word(a.lens)},             {"composition", word(a.composition)},
          {"lighting", word(a.lighting)},     {"palette", word(a.palette)},
          {"atmosphere", word(a.atmosphere)}, {"characters", word(a.characters)},
          {"mood", word(a.mood)}};
}

}  // namespace shotgen::world
