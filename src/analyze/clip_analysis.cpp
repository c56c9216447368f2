#include "analyze/clip_analysis.h"

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace shotgen::analyze {

ClipAnalysis analyze_clip(const Clip& clip) {
  if (clip.frames.empty()) throw Error("the clip has no frames", "analyze", "give a clip with at least one frame");
  ClipAnalysis a;
  a.frames = clip.frame_count();
  a.width = clip.width();
  a.height = clip.height();
  std::vector<Planes> planes;
  planes.reserve(clip.frames.size());
  for (std::size_t t = 0; t < clip.frames.size(); ++t) {
    const Image& f = clip.frames[t];
    if (f.width != a.width || f.height != a.height || f.rgb.size() != std::size_t(f.width) * f.height * 3)
      throw Error("frame " + std::to_string(t) + " is " + std::to_string(f.width) + "x" + std::to_string(f.height) +
                      ", the first frame is " + std::to_string(a.width) + "x" + std::to_string(a.height),
                  "analyze", "all frames of a clip must have the same size");
    planes.push_back(planes_of(f));
  }
  a.palette = measure_palette(planes);
  a.key = measure_key(planes);
  a.style = measure_style(planes);
  a.motion = measure_motion(planes);
  a.characters = measure_characters(clip);
  return a;
}

nlohmann::json to_json(const ClipAnalysis& a) {
  using world::word;
  return {
      {"frames", a.frames},
      {"width", a.width},
      {"height", a.height},
      {"palette",
       {{"class", word(a.palette.palette)},
        {"green_share", a.palette.green_share},
        {"mean_saturation", a.palette.mean_saturation},
        {"hue_spread", a.palette.hue_spread}}},
      {"key",
       {{"class", word(a.key.lighting)},
        {"mean_luma", a.key.key},
        {"mean_value", a.key.mean_value},
        {"bright_share", a.key.bright_share},
        {"top_value", a.key.top_value},
        {"bottom_value", a.key.bottom_value}}},
      {"style",
       {{"class", word(a.style.style)},
        {"flat_share", a.style.flat_share},
        {"texture_energy", a.style.texture_energy},
        {"outline_share", a.style.outline_share},
        {"coherence", a.style.coherence}}},
      {"camera",
       {{"class", word(a.motion.camera)}, {"dx", a.motion.dx}, {"dy", a.motion.dy}, {"scale", a.motion.scale}}},
      {"characters", {{"class", word(a.characters.characters)}, {"count", a.characters.count}}},
      {"flicker", a.motion.flicker},
  };
}

}  // namespace shotgen::analyze
