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

}  // namespace shotgen::cli
