#pragma once
// Helpers shared by every test executable.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace shotgen::testing {

// A fresh directory under the system temp dir, removed when the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs build/shotgen with `args` (no shell; arguments passed as-is), capturing both streams.
CommandResult run_shotgen(const std::vector<std::string>& args);

// Runs any program with arguments (no shell), capturing both streams.
CommandResult run_program(const std::string& program, const std::vector<std::string>& args);

// run_shotgen for a command that must not hang: still running after `seconds` it gets SIGTERM
// (as `kill` sends), and SIGKILL if that has not stopped it 10 s later.
struct BoundedResult : CommandResult {
  bool needed_term = false;  // it was still running at the deadline
  bool needed_kill = false;  // SIGTERM did not stop it
};
BoundedResult run_shotgen_within(const std::vector<std::string>& args, double seconds);

// Runs `script` with sh in a private user and mount namespace (`unshare -rm`): it may mount a
// small tmpfs (a disk to fill) as an unprivileged user, and nothing outside the namespace sees the
// mount. The script gets `args` as $1, $2, ... nullopt where such namespaces are not permitted.
std::optional<CommandResult> run_in_mount_namespace(const std::string& script, const std::vector<std::string>& args);

// Repository root and the example projects.
std::filesystem::path source_dir();
std::filesystem::path projects_dir();

// Copies a whole example project into `dest` (so tests never modify the tracked one).
std::filesystem::path copy_project(const std::string& name, const std::filesystem::path& dest);

// Runs `body` in a forked child that has dropped to the unprivileged user `nobody` (uid/gid
// 65534), so permission checks bite even when the tests run as root (as CI does). Returns the
// child's exit code: 0 when `body` recorded no gtest failure, 1 when it did, 2 when dropping
// privileges failed. Must be called as root.
int run_as_nobody(const std::function<void()>& body);

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);

}  // namespace shotgen::testing
