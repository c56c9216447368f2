// shotgen adopt: re-imports take files the database does not know (after the database was lost,
// replaced or moved away) from their own MP4 tags; see render/take_adoption.h. Exit 0 when every
// such file was adopted, 1 when some were left (each listed with the reason).
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "render/job_queue.h"
#include "render/take_adoption.h"
#include "render/take_files.h"

namespace shotgen::cli {

void setup_adopt(CLI::App& app, const GlobalOptions& global) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("adopt", "Re-import take files under renders/ that the database does not know");
  cmd->add_flag("--json", *json, "Print the adopted takes and the files left as JSON");
  cmd->callback([&global, json] {
    auto workspace = film::Workspace::open(global.workspace_path());
    // The takes' shots must be in the database: a fresh or replaced one gets film.toml first.
    const auto film = film::load_film_file(workspace.film_toml());
    auto db = db::open_project_database(workspace.database());
    db::ProjectStore store(db);
    store.sync(film);
    render::RenderLock lock(workspace.root());
    render::JobQueue(db).recover_dead(render::LeaseOwner::this_process(), render::now_unix_ms());
    const auto report = render::adopt_take_files(workspace.root(), store, render::AdoptionScope::AllUnknownFiles);
    if (*json) {
      nlohmann::json adopted = nlohmann::json::array(), skipped = nlohmann::json::array();
      for (const auto& take : report.adopted)
        adopted.push_back({{"shot", take.shot_id}, {"take", take.take_number}, {"mp4", take.mp4_path},
                           {"poster", take.poster_path}, {"backend", take.backend},
                           {"status", std::string(db::take_status_name(take.status))}});
      for (const auto& file : report.skipped) skipped.push_back({{"file", file.path}, {"reason", file.reason}});
      std::cout << nlohmann::json{{"adopted", adopted}, {"skipped", skipped}}.dump(2) << "\n";
    } else {
      std::cout << "adopted " << report.adopted.size() << " take(s)";
      if (!report.skipped.empty()) std::cout << ", left " << report.skipped.size() << " file(s)";
      std::cout << "\n";
      for (const auto& take : report.adopted)
        std::cout << "  " << take.shot_id << " take " << take.take_number << " (" << db::take_status_name(take.status)
                  << ", " << take.backend << "): " << take.mp4_path << "\n";
      for (const auto& file : report.skipped) std::cout << "  left " << file.path << ": " << file.reason << "\n";
    }
    if (!report.skipped.empty()) throw ExitCode{kExitFindings};
  });
}

}  // namespace shotgen::cli
