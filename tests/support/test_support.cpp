#include "support/test_support.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace shotgen::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("shotgen-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

// Starts `program` with stdout and stderr redirected to files, stdin from /dev/null.
pid_t spawn(const std::string& program, const std::vector<std::string>& args, const fs::path& out_path,
            const fs::path& err_path) {
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::dup2(null_fd, 0);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(program.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// Waits for `pid` up to `seconds`; true when it ended (its status in *status).
bool wait_within(pid_t pid, double seconds, int* status) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ::waitpid(pid, status, WNOHANG) == pid;
}

}  // namespace

CommandResult run_program(const std::string& program, const std::vector<std::string>& args) {
  // stdout and stderr go to temp files rather than pipes so a chatty child cannot deadlock us.
  TempDir capture;
  const auto out_path = capture.path() / "out";
  const auto err_path = capture.path() / "err";
  const pid_t pid = spawn(program, args, out_path, err_path);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = exit_code_of(status);
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

BoundedResult run_shotgen_within(const std::vector<std::string>& args, double seconds) {
  TempDir capture;
  const auto out_path = capture.path() / "out";
  const auto err_path = capture.path() / "err";
  const pid_t pid = spawn(SHOTGEN_BINARY, args, out_path, err_path);
  BoundedResult result;
  int status = 0;
  if (!wait_within(pid, seconds, &status)) {
    result.needed_term = true;
    ::kill(pid, SIGTERM);
    if (!wait_within(pid, 10, &status)) {
      result.needed_kill = true;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
  }
  result.exit_code = exit_code_of(status);
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

CommandResult run_shotgen(const std::vector<std::string>& args) { return run_program(SHOTGEN_BINARY, args); }

std::optional<CommandResult> run_in_mount_namespace(const std::string& script, const std::vector<std::string>& args) {
  static const bool permitted = run_program("unshare", {"-rm", "true"}).exit_code == 0;
  if (!permitted) return std::nullopt;
  TempDir holder;
  const fs::path file = holder.path() / "script.sh";
  write_text(file, script);
  std::vector<std::string> command{"-rm", "sh", file.string()};
  command.insert(command.end(), args.begin(), args.end());
  return run_program("unshare", command);
}

fs::path source_dir() { return fs::path(SHOTGEN_SOURCE_DIR); }
fs::path projects_dir() { return source_dir() / "projects"; }

fs::path copy_project(const std::string& name, const fs::path& dest) {
  auto target = dest / name;
  fs::copy(projects_dir() / name, target, fs::copy_options::recursive);
  // A copied workspace starts without database or renders, as a fresh checkout would.
  for (const auto* leftover : {"shotgen.db", "shotgen.db-wal", "shotgen.db-shm"}) fs::remove(target / leftover);
  fs::remove_all(target / "renders");
  return target;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

int run_as_nobody(const std::function<void()>& body) {
  constexpr uid_t kNobody = 65534;
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    // Group first: once the uid is dropped, setgid is no longer allowed.
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0 || ::geteuid() != kNobody)
      ::_exit(2);
    body();
    ::_exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace shotgen::testing
