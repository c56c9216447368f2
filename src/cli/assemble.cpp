// shotgen assemble: the chosen take of every shot → the film MP4 + .otio timeline + contact sheet.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "render/film_output.h"

namespace shotgen::cli {

void setup_assemble(CLI::App& app, const GlobalOptions& global) {
  auto out = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("assemble", "Join the chosen take of every shot into the film (+ .otio, contact sheet)");
  cmd->add_option("-o,--output", *out, "Film MP4 (default: renders/<title>.mp4)");
  cmd->add_flag("--json", *json, "Print the outputs as JSON");
  cmd->callback([&global, out, json] {
    std::optional<std::filesystem::path> path;
    if (!out->empty()) path = *out;
    const auto outputs = render::assemble_workspace_film(
        global.workspace_path(), path, finish::finish_device_from_environment(),
        [](const std::string& line) { std::cerr << "note: " << line << "\n"; });
    if (*json) {
      nlohmann::json cuts = nlohmann::json::array();
      for (const auto& cut : outputs.cuts)
        cuts.push_back({{"shot", cut.shot_id}, {"take", cut.take}, {"clip", cut.clip.string()},
                        {"duration", cut.duration_seconds}, {"crossfade", cut.crossfade_in}});
      std::cout << nlohmann::json{{"film", outputs.film.string()},
                                  {"timeline", outputs.timeline.string()},
                                  {"contact_sheet", outputs.contact_sheet.string()},
                                  {"duration", outputs.duration_seconds},
                                  {"cuts", cuts}}
                       .dump(2)
                << "\n";
      return;
    }
    std::cout << "film: " << outputs.film.string() << " (" << outputs.cuts.size() << " shots, "
              << outputs.duration_seconds << " s)\ntimeline: " << outputs.timeline.string()
              << "\ncontact sheet: " << outputs.contact_sheet.string() << "\n";
  });
}

}  // namespace shotgen::cli
