// shotgen render: plans one job per shot × take (or, with --best-of, takes one after another until
// one looks as asked) and renders them into takes (see render/render_runner.h). Ctrl-C (or
// TERM/HUP) cancels the running batch cleanly; a second one kills (cli/stop_on_signals.h).
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/one_line.h"
#include "cli/option_checks.h"
#include "cli/shot_selection.h"
#include "cli/stop_on_signals.h"
#include "core/error.h"
#include "film/film.h"
#include "render/render_runner.h"

namespace shotgen::cli {
namespace {

struct RenderCliOptions {
  ShotSelection selection;
  bool json = false;
  std::string model;
  std::string device = "auto";
  int batch = 4;
  std::optional<int> best_of;
};

void print_summary(const render::RenderSummary& s) {
  std::cout << "render: " << s.rendered << " take(s) rendered, " << s.already_done << " already done, " << s.rerouted
            << " re-routed, " << s.failed << " failed, " << s.cancelled << " cancelled";
  if (s.recovered_jobs || s.removed_files || s.adopted_takes || s.bad_takes)
    std::cout << "; recovered " << s.recovered_jobs << " job(s) of a dead render, removed " << s.removed_files
              << " temporary file(s) of a dead render, recorded " << s.adopted_takes
              << " take(s) it had written, found " << s.bad_takes << " bad take file(s)";
  std::cout << "\n";
  if (!s.unknown_files.empty()) {
    std::cout << "kept " << s.unknown_files.size()
              << " take file(s) under renders/ that the database does not know, e.g. " << s.unknown_files.front()
              << " (run `shotgen adopt` to re-import the takes from their tags)\n";
  }
  if (s.batches > 0)
    std::cout << "time: " << s.wall_seconds << " s wall, " << s.model_seconds << " s in the model (" << s.batches
              << " batch(es)), " << s.finish_seconds << " s finishing and " << s.encode_seconds
              << " s encoding (overlapped)\n";
  for (const auto& failure : s.failures)
    std::cout << "  failed: " << one_line(failure.text, 200, "`shotgen queue --json` shows the whole error") << "\n";
  if (s.interrupted) std::cout << "interrupted: run the same command again to finish\n";
}

}  // namespace

void setup_render(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<RenderCliOptions>();
  auto* cmd = app.add_subcommand("render", "Render shots into takes (one job per shot x take, resumable)");
  add_shot_selection_options(*cmd, options->selection, "Render");
  cmd->add_flag("--json", options->json, "Progress as one JSON object per line on stdout");
  cmd->add_option("--model", options->model, "Model directory (default: $SHOTGEN_MODEL_DIR, else models/default)");
  cmd->add_option("--device", options->device, "auto, cpu or cuda")->capture_default_str();
  cmd->add_option("--batch", options->batch, "Most jobs per model forward")
      ->capture_default_str()
      ->check(whole_number_in(1, 1024));
  cmd->add_option("--best-of", options->best_of,
                  "Render takes of each shot one after another until one looks as its prompt asks, at most N "
                  "(instead of --takes); the film uses the best")
      ->check(whole_number_in(1, film::kMaxTakes));
  cmd->callback([&global, options] {
    render::RenderRequest request;
    apply_shot_selection(options->selection, request);
    request.max_batch = options->batch;
    if (options->best_of && request.takes)
      throw Error("--best-of and --takes cannot be combined", "--best-of",
                  "pass --best-of N to render until a take looks as asked, or --takes N for N takes");
    request.best_of = options->best_of;

    const std::filesystem::path model_dir =
        engine::model_dir_or_default(options->model);
    auto registry = render::BackendRegistry::shipped(model_dir, engine::parse_device_choice(options->device));

    std::unique_ptr<render::ProgressSink> sink;
    if (options->json)
      sink = std::make_unique<render::JsonProgress>(std::cout);
    else if (isatty(STDERR_FILENO))
      sink = std::make_unique<render::TtyProgress>(stderr);
    else
      sink = std::make_unique<render::LineProgress>(std::cerr);

    render::RenderOptions render_options;
    render_options.finish_device = finish::finish_device_from_environment();
    render_options.note = [](const std::string& line) { std::cerr << "note: " << line << "\n"; };
    render::RenderSummary summary;
    {
      engine::CancelToken cancel;
      StopOnSignals stop(cancel);
      summary = render::render_shots(global.workspace_path(), request, registry, sink.get(), &cancel, render_options);
    }
    if (!options->json) print_summary(summary);
    if (summary.interrupted) throw ExitCode{130};
    if (!summary.ok()) throw ExitCode{kExitFindings};
  });
}

}  // namespace shotgen::cli
