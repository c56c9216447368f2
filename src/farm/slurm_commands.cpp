#include "farm/slurm_commands.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include "core/error.h"
#include "farm/farm_error.h"

namespace fs = std::filesystem;

namespace shotgen::farm {
namespace {

bool is_executable_file(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return is_executable_file(program) ? program : std::string();
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (is_executable_file(candidate)) return candidate.string();
  }
  return {};
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? std::string("no message") : line;
}

Error slurm_failed(const std::string& command, const CommandOutput& result, const std::string& fix) {
  return farm_error(ErrorKind::General, "slurm-failed",
                    command + " failed (exit " + std::to_string(result.exit_code) + "): " + first_line(result.err),
                    command, fix);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, separator)) fields.push_back(field);
  return fields;
}

std::optional<int> whole_number(const std::string& text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(text);
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

Error program_missing(const std::string& program) {
  return farm_error(ErrorKind::NotFound, "slurm-missing", "'" + program + "' is not on PATH", program,
                    "install the Slurm client commands (Debian: apt-get install slurm-client; on a cluster: module "
                    "load slurm) or run shotgen on a login node");
}

constexpr const char* kSlurmCheck =
    "check that slurmctld is reachable from this machine (scontrol ping) and SLURM_CONF";

}  // namespace

CommandOutput run_command(const std::string& program, const std::vector<std::string>& args) {
  const std::string resolved = find_program(program);
  if (resolved.empty()) throw program_missing(program);
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw Error(ErrorKind::Io, "cannot create a pipe: " + std::string(std::strerror(errno)), program);
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(ErrorKind::Io, "cannot start a process: " + std::string(std::strerror(errno)), program);
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::execv(resolved.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  // Both streams are drained together so a chatty command never blocks on a full pipe.
  CommandOutput result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_streams = 2;
  char buffer[4096];
  while (open_streams > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_streams;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string parse_sbatch_job_id(const std::string& output) {
  const std::string id = first_line(output).substr(0, first_line(output).find(';'));
  if (!whole_number(id))
    throw farm_error(ErrorKind::General, "slurm-failed", "sbatch printed no job id: '" + first_line(output) + "'",
                     "sbatch", "check the Slurm version (sbatch --parsable prints the job id)");
  return id;
}

std::vector<int> parse_array_indices(const std::string& text) {
  // "7", "[3-7%2]", "3-7", "1,4-5", "0-10:2": brackets and the %limit do not matter here.
  std::string body = text;
  if (!body.empty() && body.front() == '[') body.erase(0, 1);
  if (!body.empty() && body.back() == ']') body.pop_back();
  body = body.substr(0, body.find('%'));
  std::vector<int> indices;
  for (const auto& part : split(body, ',')) {
    const auto colon = part.find(':');
    const std::string range = part.substr(0, colon);
    const auto step = colon == std::string::npos ? std::optional<int>(1) : whole_number(part.substr(colon + 1));
    const auto dash = range.find('-');
    const auto first = whole_number(range.substr(0, dash));
    const auto last = dash == std::string::npos ? first : whole_number(range.substr(dash + 1));
    if (!first || !last || !step || *step < 1 || *last < *first || *last - *first > 1'000'000) return {};
    for (int i = *first; i <= *last; i += *step) indices.push_back(i);
  }
  return indices;
}

std::vector<SchedulerTask> parse_squeue_tasks(const std::string& output) {
  std::vector<SchedulerTask> tasks;
  for (const auto& line : lines_of(output)) {
    const auto fields = split(line, '|');
    if (fields.size() < 3 || !whole_number(fields[0])) continue;
    // "N/A" for plain jobs; a range for array tasks not yet started.
    for (int index : parse_array_indices(fields[1]))
      tasks.push_back({fields[0], index, fields[2], fields.size() > 3 ? fields[3] : ""});
  }
  return tasks;
}

std::vector<SchedulerTask> parse_sacct_tasks(const std::string& output) {
  std::vector<SchedulerTask> tasks;
  for (const auto& line : lines_of(output)) {
    const auto fields = split(line, '|');
    if (fields.size() < 2) continue;
    const auto underscore = fields[0].find('_');
    if (underscore == std::string::npos) continue;
    const std::string state = fields[1].substr(0, fields[1].find(' '));
    for (int index : parse_array_indices(fields[0].substr(underscore + 1)))
      tasks.push_back(
          {fields[0].substr(0, underscore), index, state, fields.size() > 2 ? "exit code " + fields[2] : ""});
  }
  return tasks;
}

void SlurmScheduler::check_available() {
  for (const char* program : {"sbatch", "squeue", "scancel"})
    if (find_program(program).empty()) throw program_missing(program);
}

std::string SlurmScheduler::submit_array(const std::vector<std::string>& sbatch_args) {
  std::vector<std::string> args{"--parsable"};
  args.insert(args.end(), sbatch_args.begin(), sbatch_args.end());
  const auto result = run_command("sbatch", args);
  if (result.exit_code != 0)
    throw slurm_failed("sbatch", result,
                       "check the partition and options (sbatch's message above); " + std::string(kSlurmCheck));
  return parse_sbatch_job_id(result.out);
}

std::vector<SchedulerTask> SlurmScheduler::tasks(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return {};
  const std::set<std::string> wanted(job_ids.begin(), job_ids.end());
  // --me rather than --jobs: squeue fails on a job id slurmctld has already forgotten.
  const auto queue = run_command("squeue", {"--me", "--noheader", "--array", "--states=all", "--format=%F|%K|%T|%r"});
  if (queue.exit_code != 0) throw slurm_failed("squeue", queue, kSlurmCheck);
  std::vector<SchedulerTask> found;
  std::set<std::pair<std::string, int>> seen;
  for (auto& task : parse_squeue_tasks(queue.out))
    if (wanted.count(task.job_id) && seen.insert({task.job_id, task.index}).second) found.push_back(task);
  // Accounting knows tasks slurmctld has forgotten.
  // A cluster without it answers with an error (and a client without sacct has none): then
  // squeue's view is all there is.
  CommandOutput accounting;
  try {
    accounting = run_command("sacct", {"--noheader", "--parsable2", "--allocations", "--jobs=" + joined(job_ids, ","),
                                       "--format=JobID,State,ExitCode"});
  } catch (const Error&) {
    return found;
  }
  if (accounting.exit_code == 0)
    for (auto& task : parse_sacct_tasks(accounting.out))
      if (wanted.count(task.job_id) && seen.insert({task.job_id, task.index}).second) found.push_back(task);
  return found;
}

void SlurmScheduler::cancel(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return;
  const auto result = run_command("scancel", job_ids);
  if (result.exit_code != 0) throw slurm_failed("scancel", result, kSlurmCheck);
}

}  // namespace shotgen::farm
