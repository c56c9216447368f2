// shotgen model …: the `model` command group. setup_model creates it with `model info`; other
// files attach further subcommands (train, eval) to the returned App (see main.cpp).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "engine/engine.h"

namespace shotgen::cli {
namespace {

struct ModelInfoOptions {
  std::string model;
  std::string device = "cpu";
  bool json = false;
};

void run_model_info(const ModelInfoOptions& options) {
  const std::filesystem::path model_dir = engine::model_dir_or_default(options.model);
  const engine::Engine engine = engine::Engine::load(model_dir, engine::parse_device_choice(options.device));
  const engine::ModelInfo info = engine.info();
  const engine::ModelConfig& c = info.config;
  std::string sizes;
  nlohmann::json size_list = nlohmann::json::array();
  for (const engine::FrameSize& size : info.trained_sizes) {
    sizes += (sizes.empty() ? "" : ", ") + std::to_string(size.width) + "x" + std::to_string(size.height);
    size_list.push_back({{"width", size.width}, {"height", size.height}});
  }
  if (options.json) {
    nlohmann::json out = {{"model_dir", info.model_dir.string()},
                          {"architecture", info.architecture},
                          {"parameters", info.parameter_count},
                          {"vocabulary_words", info.vocabulary_words},
                          {"hash_buckets", info.hash_buckets},
                          {"vocabulary_size", info.vocabulary_size},
                          {"window_frames", info.window_frames},
                          {"trained_sizes", size_list},
                          {"weights_dtype", info.weights_dtype},
                          {"compute_dtype", info.compute_dtype},
                          {"device", info.device},
                          {"config", nlohmann::json::parse(engine::model_config_json(c))}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  const std::string space =
      c.is_latent() ? "latent-space (frame autoencoder " + std::to_string(c.latent_factor) + "x per side, " +
                          std::to_string(c.latent_channels) + " channels, width " + std::to_string(c.autoencoder_width) + ")"
                    : std::string("pixel-space");
  std::cout << "model:        " << info.model_dir.string() << "\n"
            << "architecture: " << info.architecture << " (" << space << " video DiT, patch " << c.patch_size
            << ", width " << c.width << ", depth " << c.depth << ", " << c.heads << " heads; text encoder width "
            << c.text_width << ", depth " << c.text_depth << ")\n"
            << "parameters:   " << info.parameter_count << "\n"
            << "vocabulary:   " << info.vocabulary_size << " ids (" << info.vocabulary_words << " words + "
            << info.hash_buckets << " hash buckets + "
            << (c.compound_words.empty() ? "" : std::to_string(c.compound_words.size()) + " compound words + ")
            << "pad/start), " << c.max_tokens << " tokens max\n"
            << "window:       " << info.window_frames << " frames (long shots overlap " << c.overlap_frames
            << " frames)\n"
            << "trained at:   " << sizes << "\n"
            << "references:   " << c.max_references << " per shot, groups";
  for (const std::string& group : c.reference_groups) std::cout << " " << group;
  std::cout << " (" << c.reference_tokens_per_group << " tokens each)\n"
            << "weights:      " << info.weights_dtype << ", computed in " << info.compute_dtype << " on "
            << info.device << "\n";
}

}  // namespace

CLI::App& setup_model(CLI::App& app, const GlobalOptions& global) {
  CLI::App* model = app.add_subcommand("model", "The diffusion model: info (and train, eval)");
  model->require_subcommand(1);
  auto options = std::make_shared<ModelInfoOptions>();
  CLI::App* info = model->add_subcommand("info", "Print the model's architecture, size, vocabulary and trained window");
  info->add_option("--model", options->model, "Model directory (default: $SHOTGEN_MODEL_DIR or models/default)");
  info->add_option("--device", options->device, "auto, cpu or cuda (the device reported)")->capture_default_str();
  info->add_flag("--json", options->json, "Print JSON");
  info->callback([options] { run_model_info(*options); });
  return *model;
}

}  // namespace shotgen::cli
