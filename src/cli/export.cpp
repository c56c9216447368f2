// shotgen export: writes the film held by the project database back as film.toml text.
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_writer.h"

namespace shotgen::cli {

void setup_export(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("export", "Write the database's film as TOML (stdout, or -o FILE)");
  auto output = std::make_shared<std::string>();
  cmd->add_option("-o,--output", *output, "Write to FILE (atomically) instead of stdout");
  cmd->callback([&global, output] {
    // Not film::Workspace::open, which requires film.toml: export is how a lost one is recovered.
    const auto db_path = global.workspace_path() / "shotgen.db";
    if (!std::filesystem::exists(db_path))
      throw Error("no project database", db_path.string(), "run `shotgen sync` first");
    auto database = db::open_project_database(db_path);
    const std::string toml = film::write_film_toml(db::ProjectStore(database).load_film());
    if (output->empty())
      std::cout << toml;
    else
      write_file_atomic(*output, toml);
  });
}

}  // namespace shotgen::cli
