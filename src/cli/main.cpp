// shotgen: a project manager for AI video shot generation. The CLI is one client of the core
// libraries; this file only wires subcommands and turns failures into exit codes.
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "core/error.h"

namespace {

// "shotgen take approve": the deepest subcommand the command line reached.
std::string command_path(const CLI::App& app) {
  std::string path = "shotgen";
  const CLI::App* current = &app;
  while (true) {
    const auto parsed = current->get_subcommands();
    if (parsed.empty()) return path;
    current = parsed.front();
    path += " " + current->get_name();
  }
}

std::string first_line(const std::string& text) {
  constexpr std::size_t kLongest = 300;
  std::string line = text.substr(0, text.find('\n'));
  return line.size() > kLongest ? line.substr(0, kLongest) + "…" : line;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shotgen::cli;
  CLI::App app{"shotgen: film workspaces, prompt assembly and shot rendering"};
  app.set_version_flag("--version", std::string("shotgen ") + SHOTGEN_VERSION);
  app.require_subcommand(1);

  GlobalOptions global;
  app.add_option("-C,--workspace", global.workspace, "Workspace directory (default: current directory)");

  setup_init(app, global);
  setup_sync(app, global);
  setup_export(app, global);
  setup_prompt(app, global);
  setup_lint(app, global);
  setup_audit(app, global);
  setup_analyze(app, global);
  setup_world(app, global);
  setup_render(app, global);
  setup_queue(app, global);
  setup_take(app, global);
  setup_adopt(app, global);
  setup_assemble(app, global);
  setup_finish(app, global);
  setup_generate(app, global);
  setup_farm(app, global);
  setup_serve(app, global);
  CLI::App& model = setup_model(app, global);
  setup_model_train(model, global);
  setup_model_train_autoencoder(model, global);
  setup_model_eval(model, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // Usage errors (unknown option, missing argument, value out of range) are bad input too: one
    // line, exit 2 (not CLI11's two lines and 106+).
    std::cerr << "error: " << e.what() << " (see `" << command_path(app) << " --help`)\n";
    return kExitBadInput;
  } catch (const ExitCode& exit) {
    return exit.code;
  } catch (const shotgen::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Not one of shotgen's own errors (a library's, with its trace): its first line is the message.
    std::cerr << "error: " << first_line(e.what()) << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}
