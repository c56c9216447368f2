#include "cli/shot_selection.h"

#include "cli/option_checks.h"
#include "film/film.h"
#include "render/router.h"

namespace shotgen::cli {

void add_shot_selection_options(CLI::App& command, ShotSelection& selection, const std::string& verb) {
  command.add_option("shots", selection.shots, verb + " these shots");
  command.add_option("--scene", selection.scene, verb + " every shot of this scene");
  command.add_flag("--all", selection.all, verb + " every shot of the film");
  command.add_option("--takes", selection.takes, "Takes per shot (default: each shot's `takes`)")
      ->check(whole_number_in(1, film::kMaxTakes));
  command.add_option("--seed", selection.seed, "Base seed for every shot (take n uses seed + n - 1)")
      ->check(seed_number());
  command.add_option("--backend", selection.backend, "Render on this backend only (final, turbo)");
  command.add_option("--mode", selection.mode, "draft or final: selects [[routing.rules]] with that mode")
      ->capture_default_str();
}

void apply_shot_selection(const ShotSelection& selection, render::RenderRequest& request) {
  request.shots = selection.shots;
  if (!selection.scene.empty()) request.scene = selection.scene;
  request.all = selection.all;
  if (selection.takes > 0) request.takes = selection.takes;
  request.seed = selection.seed;
  if (!selection.backend.empty()) request.backend = selection.backend;
  request.mode = render::render_mode_from_name(selection.mode);
}

}  // namespace shotgen::cli
