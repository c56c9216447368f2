#pragma once
// The film as the filmmaker describes it in film.toml (format version kFilmFormatVersion).
// Plain data: the loader (film_loader.h) builds it from TOML, the project store (db/) persists it,
// the writer (film_writer.h) turns it back into TOML, the assembler (prompt/) reads it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "film/finish_settings.h"

namespace shotgen::film {

inline constexpr int kFilmFormatVersion = 1;

// Limits of the format (the loader, lint and schemas/film.schema.json agree on them).
inline constexpr double kMaxShotSeconds = 600.0;  // a shot, a default duration or a crossfade: 10 minutes
inline constexpr double kMaxFps = 240.0;
inline constexpr double kMaxGuidance = 30.0;      // guidance and negative_scale (A1111's CFG scale ends at 30)
inline constexpr int kMaxTakes = 1000;            // takes of one shot
inline constexpr double kMaxLayoutGuide = 0.5;    // [render] layout_guide: above it the model traces the guide
inline constexpr double kNewFilmLayoutGuide = 0.4;  // what `shotgen init` writes (and `generate --as-film` uses)

// ---- Look fields -------------------------------------------------------------------------------
// The order here is the order in which the assembler composes them after the shot's action.
enum class LookField {
  CameraMove,   // "slow push in"
  CameraAngle,  // "low angle"
  ShotSize,     // "wide shot"
  Lens,         // "35mm anamorphic"
  Lighting,     // "low-key, warm practicals"
  Palette,      // "teal and orange"
  Composition,  // "rule of thirds, low horizon"
  Atmosphere,   // "fog"
  Mood,         // "melancholic"
  Attribution,  // "in the style of a 1970s Technicolor western"
};
inline constexpr std::size_t kLookFieldCount = 10;

// TOML key of each field: camera_move, camera_angle, shot_size, lens, lighting, palette,
// composition, atmosphere, mood, attribution.
std::string_view look_field_key(LookField field);
std::optional<LookField> look_field_from_key(std::string_view key);
const std::array<LookField, kLookFieldCount>& all_look_fields();

// A set of optional look values; unset fields inherit from the enclosing level.
struct Look {
  std::array<std::optional<std::string>, kLookFieldCount> values;

  const std::optional<std::string>& get(LookField f) const { return values[static_cast<std::size_t>(f)]; }
  std::optional<std::string>& get(LookField f) { return values[static_cast<std::size_t>(f)]; }
  bool empty() const;
  // Fields set in `over` replace ours (film look <- scene look <- shot look).
  Look overridden_by(const Look& over) const;
  bool operator==(const Look&) const = default;
};

// ---- Film-level sections -----------------------------------------------------------------------
struct Resolution {
  int width = 0;
  int height = 0;
  bool operator==(const Resolution&) const = default;
};

enum class SeedPolicy {
  PerShot,  // seed = hash(base_seed, shot id) + take: stable when shots are reordered (default)
  Fixed,    // seed = base_seed + take for every shot
};
std::string_view seed_policy_name(SeedPolicy);
std::optional<SeedPolicy> seed_policy_from_name(std::string_view);

struct FilmInfo {
  std::string title;                        // required
  double fps = 24.0;
  Resolution resolution{512, 256};          // output resolution of takes and the film
  double default_shot_duration = 2.0;       // seconds
  SeedPolicy seed_policy = SeedPolicy::PerShot;
  std::uint64_t base_seed = 0;
  // A folder outside the workspace that reference images may also come from (a studio's shared
  // library); empty: references must lie inside the workspace. Relative to the workspace if relative.
  std::string reference_library;
  bool operator==(const FilmInfo&) const = default;
};

// The style block: the text that opens every prompt of the film.
struct StyleBlock {
  std::string text;  // required, non-empty for lint to pass
  bool operator==(const StyleBlock&) const = default;
};

// The reusable negative block, in the three layers the field recommends plus free extras.
struct NegativeBlock {
  std::vector<std::string> format;   // "live action", "photorealistic", "3D render"
  std::vector<std::string> anatomy;  // "extra fingers", "merged faces", "duplicate characters"
  std::vector<std::string> quality;  // "blurry", "watermark", "text"
  std::vector<std::string> extra;
  // All terms in layer order (format, anatomy, quality, extra), not de-duplicated.
  std::vector<std::string> all_terms() const;
  bool empty() const { return all_terms().empty(); }
  bool operator==(const NegativeBlock&) const = default;
};

// Dimensions a reference image can contribute or be told to ignore.
// Known names: palette, lighting, texture, composition, background, lens_flare, color_cast,
// character. The engine has token groups for palette, lighting, texture, composition.
const std::vector<std::string>& reference_dimensions();
bool is_reference_dimension(std::string_view name);

struct Reference {
  std::string id;                   // required, unique
  std::string image;                // required, path relative to the workspace (see reference_image.h)
  std::vector<std::string> use;     // dimensions to take from the image
  std::vector<std::string> ignore;  // dimensions the model must not copy
  std::string description;          // optional words for the prompt, e.g. "the lighthouse keeper"
  std::string source;               // "film.toml:41:1" when loaded from a file, else empty
  bool operator==(const Reference& o) const {
    return id == o.id && image == o.image && use == o.use && ignore == o.ignore && description == o.description;
  }
};

// ---- Scenes and shots --------------------------------------------------------------------------
// How this shot is joined to the previous one. Crossfade and dip_to_black overlap the two shots
// for transition_seconds (a dip fades the outgoing shot to black, then the incoming one in).
enum class Transition { Cut, Crossfade, DipToBlack };
std::string_view transition_name(Transition);
std::optional<Transition> transition_from_name(std::string_view);

struct Shot {
  std::string id;                          // required, unique across the film
  std::string action;                      // required: what happens in the shot
  std::optional<double> duration;          // seconds; default FilmInfo::default_shot_duration
  Look look;                               // overrides of the scene/film look
  std::vector<std::string> negative;       // extra negatives for this shot only
  std::vector<std::string> references;     // reference ids
  std::vector<std::string> tags;
  std::string route;                       // route hint: a backend name, empty = routing rules
  std::optional<std::uint64_t> seed;       // overrides the seed policy
  int takes = 1;
  Transition transition = Transition::Cut;
  double transition_seconds = 0.5;         // used when transition is crossfade or dip_to_black
  FinishSettings finish;                   // overrides of the scene/film [finish]
  std::string source;                      // "film.toml:55:1" when loaded from a file
  bool operator==(const Shot& o) const {
    return id == o.id && action == o.action && duration == o.duration && look == o.look &&
           negative == o.negative && references == o.references && tags == o.tags && route == o.route &&
           seed == o.seed && takes == o.takes && transition == o.transition &&
           transition_seconds == o.transition_seconds && finish == o.finish;
  }
};

struct Scene {
  std::string id;                     // required, unique
  std::string title;
  Look look;                          // overrides of the film look for every shot of the scene
  std::vector<std::string> negative;  // extra negatives for every shot of the scene
  FinishSettings finish;              // overrides of the film [finish] for every shot of the scene
  std::vector<Shot> shots;            // story order
  std::string source;
  bool operator==(const Scene& o) const {
    return id == o.id && title == o.title && look == o.look && negative == o.negative && finish == o.finish &&
           shots == o.shots;
  }
};

// ---- Render settings and routing ---------------------------------------------------------------
struct RenderSettings {
  Resolution size{128, 64};           // generation size (multiples of 16); upscaled to FilmInfo::resolution
  std::optional<int> steps;           // override the backend's default steps
  std::optional<double> guidance;     // override the backend's guidance scale
  std::optional<double> negative_scale;
  // Share of each shot's layout guide (world/layout_guide.h: the world's animatic of the figures,
  // composition, lens and camera move its prompt names) in the sampler's starting point; 0 = off.
  double layout_guide = 0.0;
  bool operator==(const RenderSettings&) const = default;
};

// One routing rule: every condition that is set must match; the first matching rule wins.
struct RouteRule {
  std::optional<std::string> tag;     // shot has this tag
  std::optional<std::string> scene;   // shot is in this scene
  std::optional<std::string> shot;    // shot id
  std::optional<std::string> mode;    // "draft" or "final"
  std::vector<std::string> backends;  // required: preferred backend first, then fallbacks
  std::string source;
  bool operator==(const RouteRule& o) const {
    return tag == o.tag && scene == o.scene && shot == o.shot && mode == o.mode && backends == o.backends;
  }
};

struct Routing {
  std::vector<std::string> fallback{"final", "turbo"};  // when no rule matches
  std::vector<RouteRule> rules;
  bool operator==(const Routing&) const = default;
};

// ---- The whole film ----------------------------------------------------------------------------
struct Film {
  int format_version = kFilmFormatVersion;
  FilmInfo info;
  StyleBlock style;
  NegativeBlock negative;
  Look look;
  FinishSettings finish;
  std::vector<Reference> references;
  std::vector<Scene> scenes;
  RenderSettings render;
  Routing routing;
  bool operator==(const Film&) const = default;

  const Shot* find_shot(std::string_view id) const;
  const Scene* scene_of(std::string_view shot_id) const;
  const Reference* find_reference(std::string_view id) const;
  std::size_t shot_count() const;
};

}  // namespace shotgen::film
