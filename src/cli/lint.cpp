// shotgen lint: checks the workspace's film.toml for prompts that would fight themselves.
// Exit 0 clean, 1 warnings only, 2 errors. Every problem found is reported in one run: when
// film.toml does not load, each of its problems is an error finding (code = the problem's code),
// and --json always prints the report document, whatever went wrong.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "engine/engine.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "prompt/lint.h"
#include "prompt/model_vocabulary.h"
#include "render/project_lint.h"

namespace shotgen::cli {
namespace {

struct LintCliOptions {
  bool json = false;
  std::string model;
  prompt::LintOptions lint;
};

prompt::LintFinding error_finding(const Problem& problem) {
  return {prompt::Severity::Error, problem.code.empty() ? "error" : problem.code, problem.what, "", problem.where,
          problem.fix};
}

prompt::LintReport lint_workspace(const film::Workspace& workspace, LintCliOptions options) {
  prompt::LintReport report;
  auto checked = film::check_film_file(workspace.film_toml());
  if (!checked.film) {
    for (const auto& problem : checked.problems) report.add(error_finding(problem));
    report.add_note("film.toml did not load, so its prompts, references and routing were not checked yet");
    return report;
  }
  // The look words are checked against the vocabulary of the model the film renders with.
  const std::filesystem::path model_dir = engine::model_dir_or_default(options.model);
  auto vocabulary = prompt::read_model_vocabulary(model_dir);
  if (vocabulary) options.lint.vocabulary = vocabulary.value();
  report = render::lint_project(*checked.film, workspace.root(), prompt::default_caps(), options.lint);
  if (!vocabulary)
    report.add_note("look words were not checked against a model vocabulary: " + vocabulary.problem().message());
  return report;
}

void print(const prompt::LintReport& report, bool json) {
  if (json) {
    std::cout << report.to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::cout << report.to_text();
  std::cout << report.error_count() << " error(s), " << report.warning_count() << " warning(s)\n";
}

}  // namespace

void setup_lint(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<LintCliOptions>();
  auto* cmd = app.add_subcommand("lint", "Check film.toml: exit 0 clean, 1 warnings, 2 errors");
  cmd->add_flag("--json", options->json, "JSON report: errors, warnings, exit_code, findings, notes");
  cmd->add_option("--max-negative-terms", options->lint.max_negative_terms,
                  "Warn when a shot's negative prompt has more terms than this")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--model", options->model,
                  "Model whose vocabulary the look words are checked against (default: $SHOTGEN_MODEL_DIR, else "
                  "models/default)");
  cmd->callback([&global, options] {
    prompt::LintReport report;
    try {
      report = lint_workspace(film::Workspace::open(global.workspace_path()), *options);
    } catch (const Error& e) {
      // No workspace (or an unreadable one): the usual one-line error, or the JSON document with it.
      if (!options->json) throw;
      report.add(error_finding(e.problem()));
    }
    print(report, options->json);
    if (report.exit_code() != kExitOk) throw ExitCode{report.exit_code()};
  });
}

}  // namespace shotgen::cli
