// shotgen finish SHOT[:TAKE]… | --all | --outdated: finishes existing takes again from their kept
// generated frames with film.toml's current [finish] (grade, palette lock, upscale, grain,
// letterbox), without generating them again. Nothing is written when film.toml, a LUT or a take
// selection is wrong.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/error.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "finish/take_finishing.h"
#include "prompt/backend_caps.h"
#include "render/project_lint.h"
#include "render/render_runner.h"
#include "render/take_files.h"

namespace shotgen::cli {
namespace {

struct FinishCliOptions {
  std::vector<std::string> takes;
  bool all = false;
  bool outdated = false;
  std::string device;
  bool json = false;
};

}  // namespace

void setup_finish(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<FinishCliOptions>();
  auto* cmd = app.add_subcommand("finish", "Finish takes again with film.toml's [finish], without generating them again");
  cmd->add_option("takes", options->takes, "SHOT (its finished takes) or SHOT:N (take N, as `take list` numbers it)");
  cmd->add_flag("--all", options->all, "Every finished take of the film");
  cmd->add_flag("--outdated", options->outdated, "The takes `shotgen audit` reports as finished with an outdated block");
  cmd->add_option("--device", options->device, "auto, vulkan or cpu (default: $SHOTGEN_FINISH_DEVICE, else auto)")
      ->check(CLI::IsMember({"auto", "vulkan", "cpu"}));
  cmd->add_flag("--json", options->json, "Print the finished takes as JSON");
  cmd->callback([&global, options] {
    const int selections = !options->takes.empty() + options->all + options->outdated;
    if (selections != 1)
      throw Error("name the takes to finish", "shotgen finish",
                  "give SHOT or SHOT:N arguments, --all, or --outdated (one of them)");
    const auto device = options->device.empty() ? finish::finish_device_from_environment()
                                                : *finish::finish_device_from_name(options->device);
    auto workspace = film::Workspace::open(global.workspace_path());
    // As for sync and render: what lint rejects (a malformed LUT among it) touches nothing.
    const auto film = film::load_film_file(workspace.film_toml());
    render::require_lint_clean(film, workspace.root(), prompt::default_caps());
    auto database = db::open_project_database(workspace.database());
    db::ProjectStore store(database);
    render::RenderLock lock(workspace.root());

    std::vector<db::TakeRecord> takes;
    if (options->all) {
      takes = finish::all_finished_takes(store, film);
    } else if (options->outdated) {
      for (auto& outdated : finish::outdated_finishes(workspace.root(), film, store)) takes.push_back(outdated.take);
    } else {
      takes = finish::select_takes(store, options->takes);
    }
    auto finisher = finish::Finisher::open(device, [](const std::string& line) { std::cerr << "note: " << line << "\n"; });
    const render::RenderOptions defaults;
    const auto finished = finish::refinish_takes(workspace.root(), film, store, takes, finisher,
                                                 {defaults.crf, defaults.x264_preset});
    if (options->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& f : finished)
        out.push_back({{"take_id", f.take.id},
                       {"shot", f.take.shot_id},
                       {"take", f.take.take_number},
                       {"mp4", f.take.mp4_path},
                       {"block_hash", f.block_hash},
                       {"was_current", f.was_current},
                       {"device", finisher.device()}});
      std::cout << out.dump(2) << "\n";
      return;
    }
    for (const auto& f : finished)
      std::cout << "finished " << f.take.shot_id << ":" << f.take.take_number << " (" << f.take.mp4_path
                << ") with block " << f.block_hash.substr(0, 8) << (f.was_current ? " (unchanged)" : "") << "\n";
    std::cout << "finish: " << finished.size() << " take(s) on " << finisher.device() << "\n";
  });
}

}  // namespace shotgen::cli
