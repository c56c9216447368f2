#pragma once
// [finish]: the finishing passes applied to every take's pixels between the model and the MP4
// (src/finish/ runs them). A film's [finish] table is merged with a scene's and a shot's `finish`
// table like looks: a key set at a lower level replaces the enclosing level's value.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace shotgen::film {

// The passes in the order they run, whatever order `passes` lists them in: the deflicker first, on
// the frames as the model drew them (it aligns frames by their camera motion, which the other
// passes do not change), the style texture on the steadied frames (it too needs the whole clip),
// the palette match (one colour mapping for the whole clip), then colour work at the small
// generation size (16x fewer pixels), then the
// reframe (a digital camera move: it moves the upscale's crop window, so the frame is resampled
// once), the upscale, then grain at the output size (grain is a property of the projected image),
// then the matte.
enum class FinishPass { Deflicker, StyleTexture, PaletteMatch, Grade, PaletteLock, Reframe, Upscale, Grain, Letterbox };
inline constexpr std::size_t kFinishPassCount = 9;
// "deflicker", "style_texture", "palette_match", "grade", "palette_lock", "reframe", "upscale", "grain", "letterbox"
std::string_view finish_pass_name(FinishPass pass);
std::optional<FinishPass> finish_pass_from_name(std::string_view name);
const std::array<FinishPass, kFinishPassCount>& all_finish_passes();

enum class UpscaleKernel { Lanczos3, Bilinear };
std::string_view upscale_kernel_name(UpscaleKernel kernel);  // "lanczos3", "bilinear"
std::optional<UpscaleKernel> upscale_kernel_from_name(std::string_view name);

// How a generated frame whose aspect differs from the film's resolution fills the film frame.
enum class FrameFit { Crop, Letterbox };
std::string_view frame_fit_name(FrameFit fit);  // "crop", "letterbox"
std::optional<FrameFit> frame_fit_from_name(std::string_view name);

enum class LutInterpolation { Tetrahedral, Trilinear };
std::string_view lut_interpolation_name(LutInterpolation interpolation);  // "tetrahedral", "trilinear"
std::optional<LutInterpolation> lut_interpolation_from_name(std::string_view name);

// Limits of the format (the loader, lint and schemas/film.schema.json agree on them).
inline constexpr double kMinGrainSize = 0.5;  // pixels of the output frame
inline constexpr double kMaxGrainSize = 8.0;
inline constexpr double kMinAspect = 0.5;     // width / height of the picture inside the matte
inline constexpr double kMaxAspect = 4.0;
inline constexpr double kMinReframeZoom = 1.05;  // the digital move's crop: how far a push in ends closer
inline constexpr double kMaxReframeZoom = 2.0;

// Values used when no level sets a key.
inline constexpr UpscaleKernel kDefaultUpscaleKernel = UpscaleKernel::Lanczos3;
inline constexpr FrameFit kDefaultFrameFit = FrameFit::Crop;
inline constexpr LutInterpolation kDefaultLutInterpolation = LutInterpolation::Tetrahedral;
inline constexpr double kDefaultDeflicker = 1.0;
inline constexpr double kDefaultReframeZoom = 1.3;
inline constexpr double kDefaultLutStrength = 1.0;
inline constexpr double kDefaultPaletteLock = 0.3;
inline constexpr double kDefaultGrain = 0.04;
inline constexpr double kDefaultGrainSize = 1.0;

// One level's finish table; unset keys inherit from the enclosing level.
struct FinishSettings {
  std::optional<std::vector<FinishPass>> passes;  // which passes run (replaced as a whole when set)
  std::optional<double> deflicker;                // 0..1: how strongly frames are steadied (finish/deflicker.h)
  std::optional<double> reframe_zoom;             // the digital camera move's crop (finish/reframe.h)
  std::optional<UpscaleKernel> upscale;
  std::optional<FrameFit> fit;
  std::optional<std::string> lut;                 // .cube file, relative to the workspace
  std::optional<LutInterpolation> lut_interpolation;
  std::optional<double> lut_strength;             // 0: the LUT has no effect, 1: fully applied
  std::optional<double> palette_lock;             // 0..1: how far colours move toward the [look] palette
  std::optional<double> grain;                    // 0..1: grain standard deviation, in full-scale units
  std::optional<double> grain_size;               // grain cell size in output pixels
  std::optional<double> aspect;                   // letterbox: the picture's width / height

  bool empty() const;
  // Keys set in `over` replace ours (film <- scene <- shot).
  FinishSettings overridden_by(const FinishSettings& over) const;
  bool operator==(const FinishSettings&) const = default;
};

// The JSON form, keys as in film.toml and unset keys left out: the project database stores it.
nlohmann::json finish_settings_to_json(const FinishSettings& settings);
// Throws shotgen::Error on a value this build does not know.
FinishSettings finish_settings_from_json(const nlohmann::json& object);

}  // namespace shotgen::film
