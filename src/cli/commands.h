#pragma once
// Every subcommand's setup function; main.cpp registers them in this order.
#include "cli/command.h"

namespace shotgen::cli {

void setup_init(CLI::App& app, const GlobalOptions& global);
void setup_sync(CLI::App& app, const GlobalOptions& global);
void setup_export(CLI::App& app, const GlobalOptions& global);
void setup_prompt(CLI::App& app, const GlobalOptions& global);
void setup_lint(CLI::App& app, const GlobalOptions& global);
void setup_audit(CLI::App& app, const GlobalOptions& global);
void setup_analyze(CLI::App& app, const GlobalOptions& global);
void setup_world(CLI::App& app, const GlobalOptions& global);
void setup_render(CLI::App& app, const GlobalOptions& global);
void setup_queue(CLI::App& app, const GlobalOptions& global);  // queue, cancel, retry
void setup_take(CLI::App& app, const GlobalOptions& global);
void setup_adopt(CLI::App& app, const GlobalOptions& global);
void setup_assemble(CLI::App& app, const GlobalOptions& global);
void setup_finish(CLI::App& app, const GlobalOptions& global);
void setup_generate(CLI::App& app, const GlobalOptions& global);
void setup_farm(CLI::App& app, const GlobalOptions& global);  // farm submit, work, status, collect, cancel
void setup_serve(CLI::App& app, const GlobalOptions& global);
// Creates the `model` command group with `model info` and returns it; further model subcommands
// attach to it: `setup_model_<name>(CLI::App& model, const GlobalOptions&)` (train, train-autoencoder, eval).
CLI::App& setup_model(CLI::App& app, const GlobalOptions& global);
void setup_model_train(CLI::App& model, const GlobalOptions& global);
void setup_model_train_autoencoder(CLI::App& model, const GlobalOptions& global);
void setup_model_eval(CLI::App& model, const GlobalOptions& global);

}  // namespace shotgen::cli
