// shotgen analyze: measures a clip's palette, key, style, camera motion, characters and flicker.
//
// A shotgen take is analysed once, when it is rendered, on the frames the model produced; the
// re-route check and `take list` use that analysis, and it is recorded in the take's MP4 tags
// (shotgen_analysis). So for a take file this command shows the recorded analysis: the MP4's own
// frames are those frames scaled up to the film's size and H.264-compressed, and measuring them
// can classify the same take differently. --measure-file measures the file's frames instead.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "analyze/clip_analysis.h"
#include "analyze/clip_source.h"
#include "cli/commands.h"
#include "finish/finish_plan.h"
#include "media/video_reader.h"
#include "world/attributes.h"

namespace shotgen::cli {
namespace {

struct AnalyzeOptions {
  std::string clip;
  bool json = false;
  bool measure_file = false;
};

struct RecordedAnalysis {
  nlohmann::json analysis;
  std::string take;  // "shot s1 take 2"
  std::string size;  // generation size "64x32"
  finish::FinishDecisions finishing;  // what the take's finishing drew (finish/finish_decisions.h)
};

// The analysis recorded in a take file's tags; nullopt for anything else (a directory, a video
// without the tag, a file that does not probe).
std::optional<RecordedAnalysis> recorded_analysis(const std::filesystem::path& clip) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(clip, ec)) return std::nullopt;
  media::VideoProbe probe;
  try {
    probe = media::probe_video(clip);
  } catch (const std::exception&) {
    return std::nullopt;  // read_clip reports what is wrong with it
  }
  const auto tag = probe.metadata.find("shotgen_analysis");
  if (tag == probe.metadata.end()) return std::nullopt;
  auto analysis = nlohmann::json::parse(tag->second, nullptr, /*allow_exceptions=*/false);
  if (!analysis.is_object() || !analysis.contains("style")) return std::nullopt;
  return RecordedAnalysis{std::move(analysis),
                          "shot " + probe.metadata["shotgen_shot"] + " take " + probe.metadata["shotgen_take"],
                          probe.metadata["shotgen_size"], finish::recorded_decisions(probe.metadata["shotgen_finish"])};
}

void print_text(const nlohmann::json& a) {
  const auto word = [&](const char* measure) { return a[measure]["class"].get<std::string>(); };
  std::printf("clip:        %d frames, %dx%d\n", a["frames"].get<int>(), a["width"].get<int>(), a["height"].get<int>());
  std::printf("palette:     %s (green share %.3f, mean saturation %.3f)\n", word("palette").c_str(),
              a["palette"]["green_share"].get<double>(), a["palette"]["mean_saturation"].get<double>());
  std::printf("key:         %s (mean luma %.3f)\n", word("key").c_str(), a["key"]["mean_luma"].get<double>());
  std::printf("style:       %s (flat %.2f, outlines %.3f, directional texture %.2f)\n", word("style").c_str(),
              a["style"]["flat_share"].get<double>(), a["style"]["outline_share"].get<double>(),
              a["style"]["coherence"].get<double>());
  std::printf("camera:      %s (dx %+.1f px/frame, dy %+.1f px/frame, scale %.3f/frame)\n", word("camera").c_str(),
              a["camera"]["dx"].get<double>(), a["camera"]["dy"].get<double>(), a["camera"]["scale"].get<double>());
  std::printf("characters:  %s (median count %.1f)\n", word("characters").c_str(),
              a["characters"]["count"].get<double>());
  std::printf("flicker:     %.2f (mean |luma change| after motion compensation, 0..255)\n", a["flicker"].get<double>());
}

// What a take's finishing drew where the model missed, under the finish record's keys.
void add_finishing(nlohmann::json& analysis, const finish::FinishDecisions& drawn) {
  if (drawn.reframe) analysis["reframed"] = world::word(*drawn.reframe);
  if (drawn.texture) analysis["textured"] = world::word(*drawn.texture);
  if (drawn.palette) analysis["palette_matched"] = world::word(*drawn.palette);
}

void print_finishing(const finish::FinishDecisions& drawn) {
  const auto word = [](auto value) { return std::string(world::word(value)); };
  if (drawn.reframe)
    std::printf("finishing:   the reframe drew a %s over the static frames the model drew (the MP4 moves)\n",
                word(*drawn.reframe).c_str());
  if (drawn.texture)
    std::printf("finishing:   the style texture drew %s texture over the frames the model drew in another style\n",
                word(*drawn.texture).c_str());
  if (drawn.palette)
    std::printf("finishing:   the palette match recoloured the frames the model drew in another palette into %s\n",
                word(*drawn.palette).c_str());
}

}  // namespace

void setup_analyze(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand("analyze", "Measure a clip's palette, key, style, camera move, characters, flicker");
  cmd->add_option("CLIP", options->clip, "Directory of frame_*.png files, or an .mp4 file")->required();
  cmd->add_flag("--json", options->json, "Print the measurements as JSON");
  cmd->add_flag("--measure-file", options->measure_file,
                "For a shotgen take: measure the MP4's frames instead of showing the analysis recorded at render");
  cmd->callback([options] {
    const auto recorded = options->measure_file ? std::nullopt : recorded_analysis(options->clip);
    nlohmann::json analysis = recorded ? recorded->analysis
                                       : analyze::to_json(analyze::analyze_clip(analyze::read_clip(options->clip)));
    if (recorded) add_finishing(analysis, recorded->finishing);
    if (options->json) {
      analysis["source"] = recorded ? "take" : "frames";
      std::cout << analysis.dump(2) << "\n";
      return;
    }
    if (recorded)
      std::printf("source:      %s as analysed at render time, on the %s frames the model produced "
                  "(--measure-file measures this file's frames)\n",
                  recorded->take.c_str(), recorded->size.c_str());
    print_text(analysis);
    if (recorded) print_finishing(recorded->finishing);
  });
}

}  // namespace shotgen::cli
