#pragma once
// The film world's vocabulary: every visible attribute of a clip is one value of one of these
// enums, and each value has a canonical prompt word plus phrasing variants. The same words are
// what captions say and what the evaluation looks for in a prompt.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "world/rng.h"

namespace shotgen::world {

enum class Style { Flat2D, Painterly, Photoreal };
enum class CameraMove { Static, PanLeft, PanRight, TiltUp, TiltDown, PushIn, PullOut };
enum class Lens { Wide, Normal, Telephoto };
enum class Composition { Centered, ThirdsLeft, ThirdsRight, LowHorizon, HighHorizon };
enum class Lighting { HighKey, LowKey, GoldenHour, Backlit, Night };
enum class Palette { Warm, Cool, TealOrange, Monochrome, GreenTones, Pastel };
enum class Atmosphere { Clear, Fog, Rain, Snow, Dust };
enum class Characters { One, Two, Crowd };
// Mood is not sampled: it follows from lighting, palette and atmosphere (see mood_for).
enum class Mood { Eerie, Nostalgic, Cheerful, Tense, Melancholic, Mysterious, Dreamy, Calm };

inline constexpr std::array kStyles = {Style::Flat2D, Style::Painterly, Style::Photoreal};
inline constexpr std::array kCameraMoves = {CameraMove::Static, CameraMove::PanLeft,  CameraMove::PanRight,
                                            CameraMove::TiltUp, CameraMove::TiltDown, CameraMove::PushIn,
                                            CameraMove::PullOut};
inline constexpr std::array kLenses = {Lens::Wide, Lens::Normal, Lens::Telephoto};
inline constexpr std::array kCompositions = {Composition::Centered, Composition::ThirdsLeft,
                                             Composition::ThirdsRight, Composition::LowHorizon,
                                             Composition::HighHorizon};
inline constexpr std::array kLightings = {Lighting::HighKey, Lighting::LowKey, Lighting::GoldenHour,
                                          Lighting::Backlit, Lighting::Night};
inline constexpr std::array kPalettes = {Palette::Warm,       Palette::Cool,       Palette::TealOrange,
                                         Palette::Monochrome, Palette::GreenTones, Palette::Pastel};
inline constexpr std::array kAtmospheres = {Atmosphere::Clear, Atmosphere::Fog, Atmosphere::Rain,
                                            Atmosphere::Snow, Atmosphere::Dust};
inline constexpr std::array kCharacters = {Characters::One, Characters::Two, Characters::Crowd};
inline constexpr std::array kMoods = {Mood::Eerie,       Mood::Nostalgic,  Mood::Cheerful, Mood::Tense,
                                      Mood::Melancholic, Mood::Mysterious, Mood::Dreamy,   Mood::Calm};

// Canonical words ("flat 2D animation", "pan left", "teal and orange", "a crowd", ...).
std::string_view word(Style v);
std::string_view word(CameraMove v);
std::string_view word(Lens v);
std::string_view word(Composition v);
std::string_view word(Lighting v);
std::string_view word(Palette v);
std::string_view word(Atmosphere v);
std::string_view word(Characters v);
std::string_view word(Mood v);

// Phrasing variants for captions; the first is the canonical word. Every variant is recognised
// by the matching *_from_words parser.
const std::vector<std::string_view>& phrasings(Style v);
const std::vector<std::string_view>& phrasings(CameraMove v);
const std::vector<std::string_view>& phrasings(Lens v);
const std::vector<std::string_view>& phrasings(Composition v);
const std::vector<std::string_view>& phrasings(Lighting v);
const std::vector<std::string_view>& phrasings(Palette v);
const std::vector<std::string_view>& phrasings(Atmosphere v);
const std::vector<std::string_view>& phrasings(Characters v);
const std::vector<std::string_view>& phrasings(Mood v);

// Find an attribute in free prompt text (the phrasings and a few words scripts use that captions
// do not, e.g. "two characters"): case-insensitive, whole words, the earliest mention wins
// (the longest phrase at the same position). A mention preceded by "not", "no" or "without" is a
// negation and does not count ("not photorealistic" does not make a photoreal prompt).
std::optional<Style> style_from_words(std::string_view text);
std::optional<CameraMove> camera_move_from_words(std::string_view text);
std::optional<Lens> lens_from_words(std::string_view text);
std::optional<Composition> composition_from_words(std::string_view text);
std::optional<Lighting> lighting_from_words(std::string_view text);
std::optional<Palette> palette_from_words(std::string_view text);
std::optional<Atmosphere> atmosphere_from_words(std::string_view text);
std::optional<Characters> characters_from_words(std::string_view text);
std::optional<Mood> mood_from_words(std::string_view text);

// Things a script names that the world's clips never draw by themselves: read in prompts for the
// layout guide (world/layout_guide.h), never written in captions — the world's training clips and
// the trained models' words stay as they were.
enum class Prop { Lantern, Lighthouse };
inline constexpr std::array kProps = {Prop::Lantern, Prop::Lighthouse};
std::string_view word(Prop v);  // "lantern", "lighthouse"
// Every prop the text names (whole words, negations skipped as above), in kProps order.
std::vector<Prop> props_from_words(std::string_view text);

// The mood a combination evokes: night+fog eerie, golden hour+warm nostalgic, high-key+pastel
// cheerful, low-key tense, rain melancholic, backlit mysterious, fog or snow dreamy, else calm.
Mood mood_for(Lighting lighting, Palette palette, Atmosphere atmosphere);

struct ClipAttributes {
  Style style = Style::Photoreal;
  CameraMove camera = CameraMove::Static;
  Lens lens = Lens::Normal;
  Composition composition = Composition::Centered;
  Lighting lighting = Lighting::HighKey;
  Palette palette = Palette::Warm;
  Atmosphere atmosphere = Atmosphere::Clear;
  Characters characters = Characters::One;
  Mood mood = Mood::Calm;  // always mood_for(lighting, palette, atmosphere)
  bool operator==(const ClipAttributes&) const = default;
};

// Style 70% photoreal, 15% flat 2D, 15% painterly (the pull toward photorealism real models
// have); every other dimension uniform; mood derived.
ClipAttributes sample_attributes(Rng& rng);

// {"style": "photoreal", "camera": "pan left", ...} with canonical words.
nlohmann::json to_json(const ClipAttributes& attributes);

}  // namespace shotgen::world
