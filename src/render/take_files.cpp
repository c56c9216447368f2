#include "render/take_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <regex>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "render/job_queue.h"

namespace fs = std::filesystem;

namespace shotgen::render {
namespace {

const std::regex& take_file_pattern() {
  static const std::regex pattern("take_([0-9]{1,9})_[0-9a-f]+(\\.mp4|\\.png|_source\\.png)");
  return pattern;
}

}  // namespace

std::string shot_dir_name(const std::string& shot_id) {
  std::string out = shot_id;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

TakePaths take_paths(const std::string& shot_id, int take_number, const std::string& job_id) {
  const std::string stem =
      "renders/" + shot_dir_name(shot_id) + "/take_" + std::to_string(take_number) + "_" + job_id.substr(0, 10);
  return {stem + ".mp4", stem + ".png", stem + "_source.png"};
}

bool is_take_file_name(const std::string& file_name) { return std::regex_match(file_name, take_file_pattern()); }

std::optional<int> take_number_of_file_name(const std::string& file_name) {
  std::smatch match;
  if (!std::regex_match(file_name, match, take_file_pattern())) return std::nullopt;
  return std::stoi(match[1].str());
}

int last_take_number_on_disk(const fs::path& workspace_root, const std::string& shot_id) {
  int last = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(workspace_root / "renders" / shot_dir_name(shot_id), ec);
       !ec && it != fs::directory_iterator(); it.increment(ec))
    if (auto number = take_number_of_file_name(it->path().filename().string())) last = std::max(last, *number);
  return last;
}

std::vector<fs::path> remove_dead_temp_files(const fs::path& renders_dir) {
  std::vector<fs::path> removed;
  std::error_code ec;
  if (!fs::is_directory(renders_dir, ec)) return removed;
  for (auto it = fs::recursive_directory_iterator(renders_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto writer = temp_file_writer_pid(it->path().filename().string());
    // A live writer (another command of this workspace, e.g. assemble) is still writing it.
    if (!writer || process_alive(*writer)) continue;
    if (fs::remove(it->path(), ec)) removed.push_back(it->path());
  }
  return removed;
}

std::vector<std::string> unknown_take_files(const fs::path& workspace_root, const db::Database& db) {
  std::set<std::string> referenced;
  auto stmt = db.prepare("SELECT mp4_path, poster_path, source_path FROM takes");
  while (stmt.step())
    for (int column = 0; column < 3; ++column) referenced.insert(stmt.text(column));
  std::vector<std::string> unknown;
  std::error_code ec;
  const fs::path renders = workspace_root / "renders";
  if (!fs::is_directory(renders, ec)) return unknown;
  for (const auto& shot_dir : fs::directory_iterator(renders, ec)) {
    if (!shot_dir.is_directory(ec)) continue;
    for (const auto& entry : fs::directory_iterator(shot_dir.path(), ec)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file(ec) || !is_take_file_name(name)) continue;
      const std::string relative = "renders/" + shot_dir.path().filename().string() + "/" + name;
      if (!referenced.count(relative)) unknown.push_back(relative);
    }
  }
  std::sort(unknown.begin(), unknown.end());
  return unknown;
}

RenderLock::RenderLock(const fs::path& workspace_root) {
  const fs::path path = workspace_root / ".shotgen-render.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw Error("cannot open the render lock: " + std::string(std::strerror(errno)), path.string(),
                "check that the workspace folder is writable");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw Error(ErrorKind::RenderLocked, "another shotgen render is running in this workspace",
                  workspace_root.string(), "wait for it to finish, or stop it (Ctrl-C) and run again");
    throw Error("cannot lock: " + std::string(std::strerror(err)), path.string(), "check the workspace folder");
  }
}

RenderLock::~RenderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace shotgen::render
