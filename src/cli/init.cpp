// shotgen init [DIR] [--title T]: scaffold a new film workspace.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "film/workspace.h"

namespace shotgen::cli {

void setup_init(CLI::App& app, const GlobalOptions& global) {
  struct Options {
    std::string dir;
    std::string title;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("init", "Create a workspace with a commented film.toml, references/ and renders/");
  cmd->add_option("DIR", options->dir, "Directory of the new workspace (default: the -C workspace)");
  cmd->add_option("--title", options->title, "Film title (default: the directory name)");
  cmd->callback([options, &global] {
    std::filesystem::path dir = options->dir.empty() ? global.workspace_path() : std::filesystem::path(options->dir);
    std::string title = options->title;
    if (title.empty()) {
      auto normal = std::filesystem::absolute(dir).lexically_normal();
      if (!normal.has_filename()) normal = normal.parent_path();  // "DIR/" names DIR
      title = normal.filename().string();
    }
    if (title.empty()) title = "Untitled film";
    auto workspace = film::Workspace::init(dir, title);
    std::cout << "created workspace " << workspace.root().string() << "\n"
              << "  film.toml    the film: edit it (every section is explained)\n"
              << "  references/  reference images\n"
              << "  renders/     takes and cut films\n"
              << "next: edit film.toml, then run 'shotgen -C " << workspace.root().string() << " lint'\n";
  });
}

}  // namespace shotgen::cli
