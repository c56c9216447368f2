#pragma once
// What finishing does to one shot's takes: the film's [finish] merged with its scene's and its
// own (film <- scene <- shot, like looks), resolved into passes with their parameters, the LUT
// loaded and hashed and the palette read from the shot's merged [look]. The plan's JSON is what a
// take records; its hash tells `shotgen audit` whether a take was finished with the current block.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "film/film.h"
#include "finish/cube_lut.h"
#include "finish/finish_decisions.h"
#include "finish/grain.h"
#include "finish/palette_lock.h"
#include "world/attributes.h"

namespace shotgen::analyze {
struct ClipAnalysis;
}

namespace shotgen::finish {

struct FinishPlan {
  std::vector<film::FinishPass> passes;  // the passes that run, in running order (film::FinishPass order)
  film::Resolution output;               // the film's resolution: the upscale's target

  double deflicker = 0;                  // strength
  double reframe_zoom = 0;               // the digital camera move's crop (finish/reframe.h)

  film::UpscaleKernel kernel = film::kDefaultUpscaleKernel;
  film::FrameFit fit = film::kDefaultFrameFit;
  std::shared_ptr<const CubeLut> lut;    // set when grading
  std::string lut_path;                  // as film.toml names it
  std::string lut_sha256;                // of the file's bytes
  film::LutInterpolation interpolation = film::kDefaultLutInterpolation;
  double lut_strength = 1;
  PaletteTones palette;
  double palette_lock = 0;
  double grain = 0;                      // strength
  double grain_size = 1;
  double aspect = 0;                     // the letterbox's picture aspect

  bool has(film::FinishPass pass) const;
  // The camera move the reframe draws into a take of the prompt `positive` whose model frames
  // measured `drawn`: none without the pass, for a prompt naming no move, or when the model drew a
  // move (reframe.h: digital_move).
  std::optional<world::CameraMove> reframe_for(std::string_view positive, world::CameraMove drawn) const;
  // The style whose texture the pass draws into a take of the prompt `positive` whose model frames
  // measured `drawn`: none without the pass, for a prompt naming no style, or when the model drew
  // the style asked (style_texture.h: texture_style).
  std::optional<world::Style> style_texture_for(std::string_view positive, world::Style drawn) const;
  // The palette the palette match recolours a take of the prompt `positive` whose model frames
  // measured `drawn` into: none without the pass, for a prompt naming no palette, or when the model
  // drew the palette asked (palette_match.h: palette_to_match).
  std::optional<world::Palette> palette_match_for(std::string_view positive, world::Palette drawn) const;
  // All three for a take of the prompt `positive` whose model frames measured `drawn` (the take's
  // analysis): what the Finisher draws where the model missed.
  FinishDecisions decisions_for(std::string_view positive, const analyze::ClipAnalysis& drawn) const;
  GrainParams grain_params() const { return {static_cast<float>(grain), static_cast<float>(grain_size)}; }
  // The passes and their parameters (LUT by path and hash): what decides the pixels, apart from
  // the frames and the take's seed.
  nlohmann::json to_json() const;
  // SHA-256 of to_json(): equal hashes, equal finishing.
  std::string block_hash() const;
};

// What a take records about its finishing (takes.finish_json and the MP4's shotgen_finish tag):
// the plan, its hash, the grain seed, the device that ran it, the generated frames' size and the
// decisions the finishing drew (finish_decisions.h: "reframed": "push in", "textured": "photoreal",
// "palette_matched": "monochrome"; each absent when it drew none).
nlohmann::json finish_record(const FinishPlan& plan, std::uint64_t take_seed, const std::string& device,
                             int source_width, int source_height, int source_frames,
                             const FinishDecisions& drawn = {});

// A take's recorded block hash, "" when the take was never finished (an empty or old record).
std::string recorded_block_hash(const std::string& finish_json);

// The merged [finish] of a shot: film <- scene <- shot.
film::FinishSettings merged_finish(const film::Film& film, const film::Shot& shot);

// Plans shots of one film, loading each LUT file once.
class FinishPlanner {
 public:
  FinishPlanner(const film::Film& film, std::filesystem::path workspace_root);

  // Throws shotgen::Error with code (Problem::code): missing-lut (grade without lut),
  // lut-outside-workspace, lut-file-missing (kind NotFound), lut-unreadable (a directory, FIFO,
  // device or oversized file: the kind read_regular_file gives), malformed-lut or lut-wrong-size
  // (kind Corrupt, where: "<lut file>:<line>"),
  // unknown-palette (palette_lock without a palette the lock knows), missing-aspect (letterbox
  // without aspect), reframe-without-upscale (the reframe moves the upscale's crop window).
  FinishPlan plan(const film::Shot& shot);

 private:
  struct LoadedLut {
    std::shared_ptr<const CubeLut> lut;
    std::string sha256;
  };
  const LoadedLut& load_lut(const std::string& relative_path);

  const film::Film& film_;
  std::filesystem::path root_;
  std::map<std::string, LoadedLut> luts_;
};

// Every problem of the film's finishing, each reported once, for lint (and so for sync and render).
std::vector<Problem> check_finish(const film::Film& film, const std::filesystem::path& workspace_root);

}  // namespace shotgen::finish
