#include "film/finish_settings.h"

#include "core/error.h"

namespace shotgen::film {
namespace {

constexpr std::array<std::string_view, kFinishPassCount> kPassNames = {
    "deflicker", "style_texture", "palette_match", "grade", "palette_lock", "reframe", "upscale", "grain", "letterbox"};

template <class Enum, std::size_t N>
std::optional<Enum> enum_from(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<Enum>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, 2> kKernelNames = {"lanczos3", "bilinear"};
constexpr std::array<std::string_view, 2> kFitNames = {"crop", "letterbox"};
constexpr std::array<std::string_view, 2> kInterpolationNames = {"tetrahedral", "trilinear"};

template <class T>
void take_over(std::optional<T>& mine, const std::optional<T>& over) {
  if (over) mine = over;
}

template <class Enum>
Enum known_or_throw(std::optional<Enum> value, const std::string& text, std::string_view key) {
  if (!value) throw Error("unknown finish " + std::string(key) + " '" + text + "' in the database", "finish." + std::string(key));
  return *value;
}

}  // namespace

std::string_view finish_pass_name(FinishPass pass) { return kPassNames[static_cast<std::size_t>(pass)]; }
std::optional<FinishPass> finish_pass_from_name(std::string_view name) { return enum_from<FinishPass>(kPassNames, name); }

const std::array<FinishPass, kFinishPassCount>& all_finish_passes() {
  static const std::array<FinishPass, kFinishPassCount> passes = {
      FinishPass::Deflicker, FinishPass::StyleTexture, FinishPass::PaletteMatch, FinishPass::Grade, FinishPass::PaletteLock,
      FinishPass::Reframe,   FinishPass::Upscale,      FinishPass::Grain,        FinishPass::Letterbox};
  return passes;
}

std::string_view upscale_kernel_name(UpscaleKernel kernel) { return kKernelNames[static_cast<std::size_t>(kernel)]; }
std::optional<UpscaleKernel> upscale_kernel_from_name(std::string_view name) {
  return enum_from<UpscaleKernel>(kKernelNames, name);
}

std::string_view frame_fit_name(FrameFit fit) { return kFitNames[static_cast<std::size_t>(fit)]; }
std::optional<FrameFit> frame_fit_from_name(std::string_view name) { return enum_from<FrameFit>(kFitNames, name); }

std::string_view lut_interpolation_name(LutInterpolation interpolation) {
  return kInterpolationNames[static_cast<std::size_t>(interpolation)];
}
std::optional<LutInterpolation> lut_interpolation_from_name(std::string_view name) {
  return enum_from<LutInterpolation>(kInterpolationNames, name);
}

bool FinishSettings::empty() const { return *this == FinishSettings{}; }

FinishSettings FinishSettings::overridden_by(const FinishSettings& over) const {
  FinishSettings out = *this;
  take_over(out.passes, over.passes);
  take_over(out.upscale, over.upscale);
  take_over(out.fit, over.fit);
  take_over(out.lut, over.lut);
  take_over(out.lut_interpolation, over.lut_interpolation);
  take_over(out.lut_strength, over.lut_strength);
  take_over(out.palette_lock, over.palette_lock);
  take_over(out.deflicker, over.deflicker);
  take_over(out.reframe_zoom, over.reframe_zoom);
  take_over(out.grain, over.grain);
  take_over(out.grain_size, over.grain_size);
  take_over(out.aspect, over.aspect);
  return out;
}

nlohmann::json finish_settings_to_json(const FinishSettings& s) {
  nlohmann::json out = nlohmann::json::object();
  if (s.passes) {
    out["passes"] = nlohmann::json::array();
    for (FinishPass pass : *s.passes) out["passes"].push_back(std::string(finish_pass_name(pass)));
  }
  if (s.upscale) out["upscale"] = std::string(upscale_kernel_name(*s.upscale));
  if (s.fit) out["fit"] = std::string(frame_fit_name(*s.fit));
  if (s.lut) out["lut"] = *s.lut;
  if (s.lut_interpolation) out["lut_interpolation"] = std::string(lut_interpolation_name(*s.lut_interpolation));
  if (s.lut_strength) out["lut_strength"] = *s.lut_strength;
  if (s.palette_lock) out["palette_lock"] = *s.palette_lock;
  if (s.deflicker) out["deflicker"] = *s.deflicker;
  if (s.reframe_zoom) out["reframe_zoom"] = *s.reframe_zoom;
  if (s.grain) out["grain"] = *s.grain;
  if (s.grain_size) out["grain_size"] = *s.grain_size;
  if (s.aspect) out["aspect"] = *s.aspect;
  return out;
}

FinishSettings finish_settings_from_json(const nlohmann::json& in) {
  FinishSettings s;
  if (in.contains("passes")) {
    s.passes.emplace();
    for (const auto& name : in["passes"]) {
      const auto text = name.get<std::string>();
      s.passes->push_back(known_or_throw(finish_pass_from_name(text), text, "pass"));
    }
  }
  auto text_of = [&](const char* key) { return in[key].get<std::string>(); };
  if (in.contains("upscale")) s.upscale = known_or_throw(upscale_kernel_from_name(text_of("upscale")), text_of("upscale"), "upscale");
  if (in.contains("fit")) s.fit = known_or_throw(frame_fit_from_name(text_of("fit")), text_of("fit"), "fit");
  if (in.contains("lut")) s.lut = text_of("lut");
  if (in.contains("lut_interpolation"))
    s.lut_interpolation = known_or_throw(lut_interpolation_from_name(text_of("lut_interpolation")),
                                         text_of("lut_interpolation"), "lut_interpolation");
  for (auto [key, field] : {std::pair{"deflicker", &s.deflicker}, std::pair{"reframe_zoom", &s.reframe_zoom},
                            std::pair{"lut_strength", &s.lut_strength},
                            std::pair{"palette_lock", &s.palette_lock}, std::pair{"grain", &s.grain},
                            std::pair{"grain_size", &s.grain_size}, std::pair{"aspect", &s.aspect}})
    if (in.contains(key)) *field = in[key].get<double>();
  return s;
}

}  // namespace shotgen::film
