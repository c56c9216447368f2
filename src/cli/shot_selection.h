#pragma once
// Which shots a render plans, as `shotgen render` and `shotgen farm submit` both take it: shot ids,
// --scene, --all, --takes, --seed, --backend, --mode. One set of options and one conversion, so
// the two commands cannot drift apart.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "render/render_runner.h"

namespace shotgen::cli {

struct ShotSelection {
  std::vector<std::string> shots;
  std::string scene;
  bool all = false;
  int takes = 0;  // 0: each shot's `takes`
  std::optional<std::uint64_t> seed;
  std::string backend;
  std::string mode = "final";
};

// Registers the options on `command`; `verb` starts the help of the shot options ("Render",
// "Queue").
void add_shot_selection_options(CLI::App& command, ShotSelection& selection, const std::string& verb);

// Fills the selection fields of `request` (shots, scene, all, takes, seed, backend, mode).
void apply_shot_selection(const ShotSelection& selection, render::RenderRequest& request);

}  // namespace shotgen::cli
