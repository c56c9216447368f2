#pragma once
// A real Slurm cluster on this machine for the farm's slow test: munged, slurmctld and slurmd
// (Debian's slurm-wlm and munge), one node with a few CPU slots on the loopback interface, a
// generated slurm.conf (tests/data/farm/slurm.conf.in) and every state, spool and log file in a
// temporary folder. The daemons run in the foreground as children of the test, at nice 19, and die
// with it (PR_SET_PDEATHSIG); the destructor cancels what is left and stops them.
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.h"

namespace shotgen::farm::testing {

namespace fs = std::filesystem;

class LocalSlurm {
 public:
  explicit LocalSlurm(int cpus) {
    try {
      start(cpus);
    } catch (...) {
      stop();
      throw;
    }
  }
  ~LocalSlurm() { stop(); }
  LocalSlurm(const LocalSlurm&) = delete;
  LocalSlurm& operator=(const LocalSlurm&) = delete;

  const fs::path& conf() const { return conf_; }

  // The last lines of every daemon's log, for failure messages.
  std::string logs() const {
    std::string out;
    for (const char* name :
         {"munged.log", "munged.out", "slurmctld.log", "slurmctld.out", "slurmd.log", "slurmd.out"}) {
      const fs::path path = dir_.path() / "log" / name;
      if (!fs::exists(path)) continue;
      std::string text = shotgen::testing::read_text(path);
      if (text.size() > 3000) text = "..." + text.substr(text.size() - 3000);
      out += "---- " + std::string(name) + "\n" + text;
    }
    return out;
  }

 private:
  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("no free port on 127.0.0.1");
    ::close(fd);
    return ntohs(address.sin_port);
  }

  static std::string short_host() {
    char buffer[256] = {};
    ::gethostname(buffer, sizeof buffer - 1);
    const std::string host(buffer);
    return host.substr(0, host.find('.'));
  }

  static void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }

  // Starts `argv` as a child at nice 19 that dies with the test, output to log/<name>.out.
  pid_t spawn(const std::string& name, const std::vector<std::string>& argv) {
    const fs::path out = dir_.path() / "log" / (name + ".out");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::setpriority(PRIO_PROCESS, 0, 19);
      const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int null_fd = ::open("/dev/null", O_RDONLY);
      ::dup2(null_fd, 0);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> args;
      for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    pids_.push_back(pid);
    return pid;
  }

  // The absolute path of `program` on PATH (or in /usr/sbin, where Debian puts the daemons).
  static std::string find_program(const std::string& program) {
    std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
    dirs += ":/usr/sbin:/usr/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
      const std::size_t end = std::min(dirs.find(':', start), dirs.size());
      const fs::path candidate = fs::path(dirs.substr(start, end - start)) / program;
      if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      start = end + 1;
    }
    return {};
  }

  void start(int cpus) {
    std::string missing;
    for (const char* program : {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo"})
      if (find_program(program).empty()) missing += std::string(missing.empty() ? "" : ", ") + program;
    if (!missing.empty())
      throw std::runtime_error("the farm's real-Slurm test needs " + missing +
                               " (Debian: slurmctld slurmd slurm-client munge; run scripts/setup.sh)");
    const fs::path dir = dir_.path();
    for (const char* sub : {"munge", "slurmctld", "slurmd", "log"}) fs::create_directories(dir / sub);
    fs::permissions(dir / "munge", fs::perms::owner_all, fs::perm_options::replace);
    {
      std::random_device random;
      std::ofstream key(dir / "munge" / "munge.key", std::ios::binary);
      for (int i = 0; i < 1024; ++i) key.put(static_cast<char>(random()));
    }
    fs::permissions(dir / "munge" / "munge.key", fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace);

    std::string conf = shotgen::testing::read_text(fs::path(SHOTGEN_TEST_DATA) / "farm" / "slurm.conf.in");
    const passwd* user = ::getpwuid(::geteuid());
    replace_all(conf, "@CLUSTER@", "shotgentest" + std::to_string(::getpid() % 100000));
    replace_all(conf, "@HOST@", short_host());
    replace_all(conf, "@CTLD_PORT@", std::to_string(free_port()));
    replace_all(conf, "@SLURMD_PORT@", std::to_string(free_port()));
    replace_all(conf, "@USER@", user ? user->pw_name : "root");
    replace_all(conf, "@DIR@", dir.string());
    replace_all(conf, "@CPUS@", std::to_string(cpus));
    conf_ = dir / "slurm.conf";
    shotgen::testing::write_text(conf_, conf);
    ::setenv("SLURM_CONF", conf_.c_str(), 1);  // for sbatch & co., run by shotgen

    const std::string socket = (dir / "munge" / "munge.socket").string();
    spawn("munged", {find_program("munged"), "--foreground", "--force", "--socket=" + socket,
                     "--key-file=" + (dir / "munge" / "munge.key").string(),
                     "--pid-file=" + (dir / "munge" / "munged.pid").string(),
                     "--log-file=" + (dir / "log" / "munged.log").string(),
                     "--seed-file=" + (dir / "munge" / "munged.seed").string()});
    wait_for([&] { return fs::exists(socket); }, "munged to create its socket");
    spawn("slurmctld", {find_program("slurmctld"), "-D", "-i", "-f", conf_.string()});
    spawn("slurmd", {find_program("slurmd"), "-D", "-N", "farmnode", "-f", conf_.string()});
    wait_for(
        [] {
          const auto nodes = shotgen::testing::run_program("sinfo", {"--noheader", "--Node", "--format=%t"});
          return nodes.exit_code == 0 && nodes.out.starts_with("idle");
        },
        "the node to come up idle (sinfo)");
  }

  template <class Ready>
  void wait_for(Ready ready, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) return;
      for (pid_t pid : pids_) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
          throw std::runtime_error("a Slurm daemon exited while waiting for " + what + "\n" + logs());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    throw std::runtime_error("timed out waiting for " + what + "\n" + logs());
  }

  void stop() {
    if (!conf_.empty() && pids_.size() == 3) shotgen::testing::run_program("scancel", {"--me"});
    // Daemons in reverse order: slurmd, slurmctld, then munged, each TERM, then KILL after 10 s.
    for (auto it = pids_.rbegin(); it != pids_.rend(); ++it) {
      ::kill(*it, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      int status = 0;
      while (::waitpid(*it, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
          ::kill(*it, SIGKILL);
          ::waitpid(*it, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    pids_.clear();
    if (!conf_.empty()) ::unsetenv("SLURM_CONF");
  }

  shotgen::testing::TempDir dir_;
  fs::path conf_;
  std::vector<pid_t> pids_;
};

}  // namespace shotgen::farm::testing
