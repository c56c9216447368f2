#pragma once
// Shared plumbing for subcommands. Each subcommand lives in its own file with a
// `void setup_<name>(CLI::App& app, const GlobalOptions& global)` function that registers the
// subcommand, its options and a callback; the callback does the work (the "run" half) and
// reports failures by throwing shotgen::Error (exit 2) or by throwing ExitCode for other codes.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace shotgen::cli {

struct GlobalOptions {
  std::string workspace = ".";  // -C DIR
  std::filesystem::path workspace_path() const { return std::filesystem::path(workspace); }
};

// Thrown by a subcommand that finished and wants a specific process exit code (lint: 1 on
// warnings, audit: 1 on offending renders) without an error message.
struct ExitCode {
  int code;
};

// Exit codes shared by all subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;   // lint warnings, audit findings
inline constexpr int kExitBadInput = 2;   // any shotgen::Error: bad input, missing files, ...

}  // namespace shotgen::cli
