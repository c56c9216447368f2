#pragma once
// `shotgen model eval`: renders a fixed, seeded prompt suite through the engine's public API and
// measures the clips with the analyzers (analyze/clip_analysis.h). Torch-free.
//
// Suites (every prompt is built from the world's canonical words in caption order, so each asks
// for exactly the attributes the analyzers measure; the other attributes are drawn from the seed):
//   adherence   clips_per_cell × 7 prompts; the value of each dimension cycles through all its
//               values. Per dimension (palette, lighting, camera move, style, characters): the
//               share of clips whose measured attribute equals the prompt's. The same measurement
//               on the world's own clips of the same attributes is reported beside it: the
//               analyzers' ceiling.
//   negatives   clips_per_cell × 3 prompts each, rendered with the same seeds without and with:
//               "green tones" on prompts that leave the palette open (mean green share; target:
//               cut ≥ 50%); "photorealistic, live action, 3D render" on flat 2D prompts (share
//               measured photoreal; target: at least halved); "duplicate characters" on "one
//               figure" prompts (share not measured as one figure, and mean count).
//   reference   clips_per_cell × 3 prompts with a reference image from the world that differs from
//               the prompt in lighting and composition, used for its palette: rendered with all
//               reference groups kept vs with ignore = lighting, composition. Leak measures: share
//               whose lighting class is the reference's, |key − reference key| (larger = less
//               leak), correlation of the 4×4 luma layout with the reference's (composition), and
//               the share whose palette is the reference's (what the reference is for).
//   temporal    mean flicker of the adherence clips vs the world's clips of the same attributes
//               (target ≤ 1.5×).
//   sharpness   clips_per_cell × 2 pairs: a world clip (world::sample, with its caption) and the model's
//               clip from that caption at the same size and seed. Structure (strongest 5 % of luma
//               gradients after a 3×3 median), isolated-pixel noise (mean |luma − 3×3 median|) and
//               flicker of the generated clips against the world's (analyze/sharpness.h; targets:
//               structure ≥ 0.8×, noise ≤ 1.5×, flicker ≤ 1.5×).
//   layout      clips_per_cell prompts per pair of layout words ("one figure" / "a crowd", "rule of
//               thirds left" / "rule of thirds right"), each drawn with the first words, with the
//               second at the same seed, and with the first at another seed; the clips' mean frames
//               are compared (mean |luma difference| in cells of 4×4 pixels at 128×64). Whether the
//               words steer the layout or the seed alone decides it; the world's own clips of the
//               same attributes and seeds beside it.
//   caption use clips_per_cell × 6 world clips per dimension: the velocity loss at t = 1 and 0.95,
//               whole and of the clip's mean per channel, with the caption naming the clip's value of
//               the dimension, another value, or none (train/caption_use.h): whether the model uses
//               the dimension's words at all.
//   With --deflicker every generated clip first goes through the finishing deflicker pass, so the
//   report measures what a film that uses the pass shows; the world's clips are never filtered.
//   With --reframe Z a generated clip whose prompt names a camera move the model drew static gets
//   the move digitally (the finishing reframe, finish/reframe.h, crop zoom Z) after the deflicker.
//   With --style-texture a generated clip whose prompt names a style the model drew another in gets
//   that style's texture (finish/style_texture.h) after the deflicker, before the reframe.
//   With --palette-match a generated clip whose prompt names a palette the model drew another in is
//   recoloured into it (finish/palette_match.h) after the style texture.
//   With --palette-lock S a generated clip whose prompt names a palette is pulled toward it with the
//   finishing palette lock at strength S, after the palette match.
//   (All of them as finish/clip_finishing.h finishes a clip.)
//   speed       wall time of one 16-frame shot at the evaluation size and steps (target ≤ 30 s on
//               the 2-core CPU machine).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "finish/clip_finishing.h"
#include "train/caption_use.h"

namespace shotgen::engine {
class Engine;
}

namespace shotgen::train {

struct EvaluationOptions {
  std::filesystem::path model_dir;  // empty: engine::default_model_dir()
  std::string device = "cpu";       // auto, cpu or cuda
  int steps = 20;                   // sampler steps (the engine's default)
  double guidance = 3.0;  // as the `final` backend renders
  // engine::SamplerSettings::frame_noise_correlation; unset: the model's (config.json)
  std::optional<double> frame_noise_correlation;
  // engine::SamplerSettings::noise_follows_camera (each prompt's camera move); unset: the model's
  std::optional<bool> noise_follows_camera;
  // The finishing passes every generated clip goes through before it is measured, as a film with
  // them in its [finish] passes shows its takes (finish/clip_finishing.h: the deflicker, the style
  // texture, the palette match, the palette lock toward the palette the prompt names, the reframe);
  // none: the model's clips as drawn.
  finish::ClipFinishing finishing;
  // Every clip starts from its prompt's layout guide (world/layout_guide.h) with this share of the
  // starting point (engine::SamplerSettings::guide_share), as a film with [render] layout_guide
  // renders; 0: from pure noise.
  double layout_guide = 0.0;
  int clips_per_cell = 8;
  std::uint64_t seed = 1;
  int frames = 8;  // frames of the suite's clips (one model window)
  int width = 128;
  int height = 64;
  int batch = 8;             // requests per Engine::generate call
  bool measure_speed = true;
  int speed_frames = 16;

  void validate() const;  // throws shotgen::Error naming the option
};

// One value the suite asks for (e.g. lighting "low-key"): how often the model drew it and what the
// analyzer measured instead, so a dimension's share can be traced to the values that fail.
struct ValueAdherence {
  std::string asked;
  int clips = 0;
  int matches = 0;
  std::optional<int> autoencoder_matches;    // its world clips through the autoencoder (see AdherenceRow)
  std::map<std::string, int> drawn_instead;  // measured value → clips, over the misses
};

struct AdherenceRow {
  std::string dimension;  // "palette", "lighting", "camera", "style", "characters"
  int clips = 0;
  int matches = 0;        // generated clips measured as the prompt asked
  int world_matches = 0;  // the world's own clips of the same attributes, same analyzer
  // The same world clips through the model's own autoencoder (train/autoencoder_round_trip.h): the
  // most this model's decoder lets it score. Absent for a pixel-space model.
  std::optional<int> autoencoder_matches;
  std::vector<ValueAdherence> values;  // per asked value, in the order the suite first asks it
  double share() const { return clips ? static_cast<double>(matches) / clips : 0.0; }
  double world_share() const { return clips ? static_cast<double>(world_matches) / clips : 0.0; }
  std::optional<double> autoencoder_share() const {
    if (!autoencoder_matches) return std::nullopt;
    return clips ? static_cast<double>(*autoencoder_matches) / clips : 0.0;
  }
};

struct NegativeRow {
  std::string negative;  // the negative prompt
  std::string measure;   // what is measured, e.g. "mean green share"
  int clips = 0;
  double without = 0.0;
  double with = 0.0;
  // (with − without) / without; 0 when `without` is 0.
  double relative_change() const { return without != 0.0 ? (with - without) / without : 0.0; }
};

struct BleedRow {
  std::string measure;
  double kept = 0.0;     // reference with all groups
  double ignored = 0.0;  // ignore = lighting, composition
};

// Layout steering by one pair of words (layout suite): how much the clips' mean frames change, as
// the mean |luma difference| (0–255) of their 32×16 cells; 0 = the same picture.
struct LayoutRow {
  std::string words;  // "one figure / a crowd"
  int clips = 0;      // prompts (each drawn three times)
  double words_swapped = 0.0;  // the same seed, the second words instead of the first
  double seed_swapped = 0.0;   // the same words, another seed
  double world_words_swapped = 0.0, world_seed_swapped = 0.0;  // the world's clips of the same
  // The words' change as a share of a new seed's: 0 = the words change nothing, 1 = as much as a new
  // seed (the world's is above 1: its layout follows the words, its seed mostly draws the texture).
  double steering() const { return seed_swapped > 0.0 ? words_swapped / seed_swapped : 0.0; }
  double world_steering() const { return world_seed_swapped > 0.0 ? world_words_swapped / world_seed_swapped : 0.0; }
};

// Generated vs world clips of the same captions (sharpness suite).
struct SharpnessReport {
  int pairs = 0;
  double generated_structure = 0.0, world_structure = 0.0;
  double generated_noise = 0.0, world_noise = 0.0;
  double generated_flicker = 0.0, world_flicker = 0.0;
};

struct EvaluationReport {
  EvaluationOptions options;
  std::string model;
  double shift = 1.0;  // the sampler's timestep shift (the model's sampling_shift)
  double frame_noise_correlation = 0.0;  // the sampler's (the option's, else the model's)
  bool noise_follows_camera = false;     // the sampler's (the option's, else the model's)
  int camera_noise_subcells = 1;         // the model's, where the noise follows the camera
  std::vector<AdherenceRow> adherence;
  std::vector<NegativeRow> negatives;
  std::vector<BleedRow> reference_bleed;
  int reference_clips = 0;
  double generated_flicker = 0.0;
  double world_flicker = 0.0;
  SharpnessReport sharpness;
  std::vector<LayoutRow> layout;
  std::vector<CaptionUseRow> caption_use;
  std::optional<double> seconds_per_shot;  // speed_frames-frame shot, when measured
  double seconds = 0.0;                    // whole evaluation
};

using EvaluationProgress = std::function<void(const std::string& stage, int done, int total)>;

// Loads options.model_dir and evaluates it.
EvaluationReport evaluate_model(const EvaluationOptions& options, const EvaluationProgress& progress = {});
// Evaluates an engine already loaded (tests use a random one).
EvaluationReport evaluate_engine(engine::Engine& engine, const EvaluationOptions& options,
                                 const EvaluationProgress& progress = {});

nlohmann::json to_json(const EvaluationReport& report);
std::string format_report(const EvaluationReport& report);  // the table, one row per measure

// Every prompt and negative the suite can use (for the training vocabulary).
std::vector<std::string> evaluation_prompt_texts();

}  // namespace shotgen::train
