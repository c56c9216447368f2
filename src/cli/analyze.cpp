// shotgen analyze: measures a clip's palette, key, style, camera motion, characters and flicker.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analyze/clip_analysis.h"
#include "analyze/clip_source.h"
#include "cli/commands.h"

namespace shotgen::cli {
namespace {

struct AnalyzeOptions {
  std::string clip;
  bool json = false;
};

void print_text(const analyze::ClipAnalysis& a) {
  using world::word;
  std::printf("clip:        %d frames, %dx%d\n", a.frames, a.width, a.height);
  std::printf("palette:     %s (green share %.3f, mean saturation %.3f)\n", std::string(word(a.palette.palette)).c_str(),
              a.palette.green_share, a.palette.mean_saturation);
  std::printf("key:         %s (mean luma %.3f)\n", std::string(word(a.key.lighting)).c_str(), a.key.key);
  std::printf("style:       %s (flat %.2f, outlines %.3f, directional texture %.2f)\n",
              std::string(word(a.style.style)).c_str(), a.style.flat_share, a.style.outline_share, a.style.coherence);
  std::printf("camera:      %s (dx %+.1f px/frame, dy %+.1f px/frame, scale %.3f/frame)\n",
              std::string(word(a.motion.camera)).c_str(), a.motion.dx, a.motion.dy, a.motion.scale);
  std::printf("characters:  %s (median count %.1f)\n", std::string(word(a.characters.characters)).c_str(),
              a.characters.count);
  std::printf("flicker:     %.2f (mean |luma change| after motion compensation, 0..255)\n", a.motion.flicker);
}

}  // namespace

void setup_analyze(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand("analyze", "Measure a clip's palette, key, style, camera move, characters, flicker");
  cmd->add_option("CLIP", options->clip, "Directory of frame_*.png files, or an .mp4 file")->required();
  cmd->add_flag("--json", options->json, "Print the measurements as JSON");
  cmd->callback([options] {
    const analyze::ClipAnalysis analysis = analyze::analyze_clip(analyze::read_clip(options->clip));
    if (options->json) std::cout << analyze::to_json(analysis).dump(2) << "\n";
    else print_text(analysis);
  });
}

}  // namespace shotgen::cli
