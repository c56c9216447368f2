// shotgen lint: checks the workspace's film.toml for prompts that would fight themselves.
// Exit 0 clean, 1 warnings only, 2 errors.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "prompt/lint.h"
#include "render/router.h"

namespace shotgen::cli {

void setup_lint(CLI::App& app, const GlobalOptions& global) {
  struct LintCliOptions {
    bool json = false;
    prompt::LintOptions lint;
  };
  auto options = std::make_shared<LintCliOptions>();
  auto* cmd = app.add_subcommand("lint", "Check film.toml: exit 0 clean, 1 warnings, 2 errors");
  cmd->add_flag("--json", options->json, "JSON report: errors, warnings, exit_code, findings");
  cmd->add_option("--max-negative-terms", options->lint.max_negative_terms,
                  "Warn when a shot's negative prompt has more terms than this")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([&global, options] {
    auto workspace = film::Workspace::open(global.workspace_path());
    auto film = film::load_film_file(workspace.film_toml());
    auto report = prompt::lint_film(film, workspace.root(), options->lint);
    render::lint_routing(film, prompt::default_caps(), report);  // routes of the shipped backends
    if (options->json) {
      std::cout << report.to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      std::cout << report.to_text();
      std::cout << report.error_count() << " error(s), " << report.warning_count() << " warning(s)\n";
    }
    if (report.exit_code() != kExitOk) throw ExitCode{report.exit_code()};
  });
}

}  // namespace shotgen::cli
