// shotgen model eval: renders the fixed, seeded prompt suite with a model and reports prompt
// adherence, negative effect, reference bleed-through, flicker, sharpness, layout steering and speed
// (train/evaluation.h).
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/frame_sizes.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "train/evaluation.h"

namespace shotgen::cli {
namespace {

struct EvalCommand {
  train::EvaluationOptions options;
  std::string model;
  std::string size = "128x64";
  bool json = false;
  std::string json_file;
  bool no_speed = false;
};

void run_eval(EvalCommand& command) {
  train::EvaluationOptions& options = command.options;
  options.model_dir = command.model;
  const engine::FrameSize size = parse_frame_size(command.size, "--size");
  options.width = size.width;
  options.height = size.height;
  options.measure_speed = !command.no_speed;
  const train::EvaluationReport report = train::evaluate_model(options, [](const std::string& stage, int done, int total) {
    std::fprintf(stderr, "\r%-22s %4d/%d clips", stage.c_str(), done, total);
    if (done == total) std::fprintf(stderr, "\n");
  });
  std::fprintf(stderr, "\n");
  if (!command.json_file.empty()) write_file_atomic(command.json_file, train::to_json(report).dump(2) + "\n");
  if (command.json)
    std::cout << train::to_json(report).dump(2) << "\n";
  else
    std::cout << train::format_report(report);
}

}  // namespace

void setup_model_eval(CLI::App& model, const GlobalOptions& global) {
  auto command = std::make_shared<EvalCommand>();
  train::EvaluationOptions& o = command->options;
  CLI::App* sub = model.add_subcommand("eval", "Measure prompt adherence, negatives, reference bleed and flicker");
  sub->add_option("--model", command->model, "Model directory (default: $SHOTGEN_MODEL_DIR or models/default)");
  sub->add_option("--steps", o.steps, "Sampler steps")->capture_default_str();
  sub->add_option("--guidance", o.guidance, "Guidance scale")->capture_default_str();
  sub->add_option("--frame-noise-correlation", o.frame_noise_correlation,
                  "Share of the starting noise all frames of a clip have in common (0 = independent; default: the "
                  "model's frame_noise_correlation)");
  sub->add_option("--noise-follows-camera", o.noise_follows_camera,
                  "on/off: move the shared starting noise as each prompt's camera move asks (default: the model's "
                  "noise_follows_camera)");
  sub->add_option("--deflicker", o.finishing.deflicker,
                  "Put every generated clip through the finishing deflicker pass at this strength (0..1) before "
                  "measuring it, as a film with deflicker in its [finish] passes shows it")
      ->capture_default_str();
  sub->add_option("--reframe", o.finishing.reframe,
                  "Draw the camera move a prompt asks digitally where the model drew the clip static (the finishing "
                  "reframe, crop zoom 1.05..2), as a film with reframe in its [finish] passes shows it; 0: off")
      ->capture_default_str();
  sub->add_flag("--style-texture", o.finishing.style_texture,
               "Draw the texture of the style a prompt names (grain, brushstrokes, flat fills) into a clip the "
               "model drew in another style (the finishing style_texture), as a film with style_texture in its "
               "[finish] passes shows it");
  sub->add_flag("--palette-match", o.finishing.palette_match,
               "Recolour a clip the model drew in another palette than its prompt names into that palette (the "
               "finishing palette_match), as a film with palette_match in its [finish] passes shows it");
  sub->add_option("--palette-lock", o.finishing.palette_lock,
                  "Pull every generated clip toward the palette its prompt names with the finishing palette lock at "
                  "this strength (0..1), as a film with palette_lock in its [finish] passes shows it; 0: off")
      ->capture_default_str();
  sub->add_option("--layout-guide", o.layout_guide,
                  "Start every clip from its prompt's layout guide with this share of the starting point (0..0.5), "
                  "as a film with [render] layout_guide renders; 0: from pure noise")
      ->capture_default_str();
  sub->add_option("--clips-per-cell", o.clips_per_cell, "Clips per prompt value / test cell")->capture_default_str();
  sub->add_option("--seed", o.seed, "Seed of the prompt suite")->capture_default_str();
  sub->add_option("--frames", o.frames, "Frames per suite clip")->capture_default_str();
  sub->add_option("--size", command->size, "Clip size WxH")->capture_default_str();
  sub->add_option("--batch", o.batch, "Requests per engine call")->capture_default_str();
  sub->add_option("--device", o.device, "auto, cpu or cuda")->capture_default_str();
  sub->add_flag("--no-speed", command->no_speed, "Skip timing one 16-frame shot");
  sub->add_flag("--json", command->json, "Print JSON");
  sub->add_option("--json-file", command->json_file, "Also write the JSON report to this file");
  sub->callback([command]() { run_eval(*command); });
  (void)global;
}

}  // namespace shotgen::cli
