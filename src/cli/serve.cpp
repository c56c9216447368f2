// shotgen serve: the review room, a page in the browser over the workspace (src/serve/server.h).
// Ctrl-C (or TERM/HUP) stops it; a render it started ends its batch cancelled, as on Ctrl-C in
// `shotgen render`, and `shotgen render` finishes it.
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "film/film_loader.h"
#include "prompt/model_vocabulary.h"
#include "render/backend.h"
#include "serve/access.h"
#include "serve/server.h"

namespace shotgen::cli {
namespace {

struct ServeCliOptions {
  std::string bind = "127.0.0.1";
  int port = serve::kDefaultPort;
  std::string token_file;
  std::string model;
  std::string device = "auto";
};

// The stop signals, blocked in every thread and taken by one waiting thread, so that stopping
// runs as ordinary code instead of inside a signal handler.
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, signal);
  return set;
}

void run_serve(const GlobalOptions& global, const ServeCliOptions& options) {
  // Blocked before any thread exists (the server's, libtorch's), so every thread inherits the mask.
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const std::filesystem::path model_dir =
      engine::model_dir_or_default(options.model);
  auto registry = render::BackendRegistry::shipped(model_dir, engine::parse_device_choice(options.device));
  serve::ServeOptions serve_options;
  serve_options.workspace = global.workspace_path();
  serve_options.bind = options.bind;
  serve_options.port = options.port;
  if (!options.token_file.empty()) serve_options.token = serve::read_token_file(options.token_file);
  if (auto vocabulary = prompt::read_model_vocabulary(model_dir)) serve_options.lint.vocabulary = vocabulary.value();

  serve::ReviewServer server(serve_options, registry);
  std::cout << "shotgen serve: the review room is at " << server.url() << "\n"
            << "  workspace " << std::filesystem::absolute(global.workspace_path()).lexically_normal().string()
            << ", renders with " << model_dir.string() << "; Ctrl-C stops\n";
  if (server.token_required())
    std::cout << "  every request needs the token: open the address above, or send the " << serve::kTokenHeader
              << " header" << (options.token_file.empty() ? "" : " (the token of " + options.token_file + ")")
              << "\n";
  std::cout << std::flush;

  std::atomic<bool> signalled{false};
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    signalled = true;
    server.stop();
  });
  server.run();
  if (!signalled) pthread_kill(waiter.native_handle(), SIGTERM);  // run() ended on its own
  waiter.join();
  std::cout << "shotgen serve: stopped" << std::endl;
}

}  // namespace

void setup_serve(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<ServeCliOptions>();
  auto* cmd = app.add_subcommand("serve", "Review takes in the browser: watch, approve, re-roll, follow the queue");
  cmd->add_option("--port", options->port, "Port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(whole_number_in(0, 65535));
  cmd->add_option("--bind", options->bind,
                  "Address to listen on; anything but 127.0.0.1, ::1 or localhost needs the token on every request")
      ->capture_default_str();
  cmd->add_option("--token-file", options->token_file, "Read the token from this file instead of making one");
  cmd->add_option("--model", options->model, "Model directory (default: $SHOTGEN_MODEL_DIR, else models/default)");
  cmd->add_option("--device", options->device, "auto, cpu or cuda")->capture_default_str();
  cmd->callback([&global, options] { run_serve(global, *options); });
}

}  // namespace shotgen::cli
