// shotgen sync: imports film.toml into the workspace's project database, if lint finds no error in it.
#include <iostream>

#include "cli/commands.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "prompt/backend_caps.h"
#include "render/project_lint.h"

namespace shotgen::cli {
namespace {

std::string revision_note(const char* what, std::int64_t id, bool is_new) {
  return std::string(what) + " revision " + std::to_string(id) + (is_new ? " (new)" : "");
}

void print_report(const db::SyncReport& report) {
  std::cout << "synced '" << report.title << "': " << report.added.size() << " added, " << report.updated.size()
            << " updated, " << report.archived.size() << " archived, ";
  if (!report.restored.empty()) std::cout << report.restored.size() << " restored, ";
  if (!report.moved.empty()) std::cout << report.moved.size() << " moved, ";
  std::cout << report.unchanged.size() << " unchanged; " << revision_note("style", report.style_revision_id,
                                                                           report.new_style_revision)
            << ", " << revision_note("negative", report.negative_revision_id, report.new_negative_revision) << "\n";
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"added", &report.added}, {"updated", &report.updated}, {"restored", &report.restored},
      {"moved", &report.moved}, {"archived", &report.archived}};
  for (const auto& [label, ids] : lists)
    for (const auto& id : *ids) std::cout << "  " << label << " " << id << "\n";
  if (!report.changed()) std::cout << "nothing changed\n";
}

}  // namespace

void setup_sync(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("sync", "Import film.toml into the project database (shotgen.db)");
  cmd->callback([&global] {
    auto workspace = film::Workspace::open(global.workspace_path());
    // The film is read and checked as `shotgen lint` checks it before the database is opened: a
    // film lint rejects touches nothing.
    auto film = film::load_film_file(workspace.film_toml());
    render::require_lint_clean(film, workspace.root(), prompt::default_caps());
    auto database = db::open_project_database(workspace.database());
    db::ProjectStore store(database);
    print_report(store.sync(film));
  });
}

}  // namespace shotgen::cli
