#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace shotgen {
namespace {

constexpr std::string_view kTempMarker = ".tmp-";

void fsync_path(const std::filesystem::path& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;  // best effort: some filesystems refuse opening directories
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  auto name = "." + path.filename().string() + std::string(kTempMarker) + std::to_string(::getpid());
  return path.parent_path() / name;
}

bool is_temp_file_name(std::string_view name) {
  return !name.empty() && name.front() == '.' && name.find(kTempMarker) != std::string_view::npos;
}

std::optional<long> temp_file_writer_pid(std::string_view name) {
  if (!is_temp_file_name(name)) return std::nullopt;
  const std::string_view digits = name.substr(name.rfind(kTempMarker) + kTempMarker.size());
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  long pid = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

void commit_temp_file(const std::filesystem::path& temp, const std::filesystem::path& path) {
  fsync_path(temp, O_RDONLY);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::filesystem::remove(temp);
    throw Error("cannot rename into place: " + std::string(std::strerror(err)), path.string(),
                "check that the folder is writable");
  }
  auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  auto temp = temp_path_for(path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error("cannot create file: " + std::string(std::strerror(errno)), temp.string(),
                  "check that the folder exists and is writable");
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      int err = errno;
      out.close();
      std::filesystem::remove(temp);
      throw Error("cannot write file: " + std::string(std::strerror(err)), path.string(),
                  "check free disk space and permissions");
    }
  }
  commit_temp_file(temp, path);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot read file: " + std::string(std::strerror(errno)), path.string(),
                "check that the path exists and is readable");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace shotgen
