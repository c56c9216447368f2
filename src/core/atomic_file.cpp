#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/io_error.h"

namespace shotgen {
namespace {

constexpr std::string_view kTempMarker = ".tmp-";

// A directory's fsync makes the rename durable; best effort, as some filesystems refuse opening
// directories.
void fsync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// A file's fsync is where a failing disk (EIO) or a delayed allocation on a full disk (ENOSPC)
// shows up: the bytes are not safely on disk, so the file must not be renamed into place.
// Returns 0 or the errno.
int fsync_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return errno;
  const int rc = ::fsync(fd);
  const int err = rc == 0 ? 0 : errno;
  ::close(fd);
  return err == EINVAL ? 0 : err;  // EINVAL: a file (a pipe, a special file) that cannot be synced
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
  if (const int err = fsync_file(temp); err != 0) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw io_error(err, "cannot write file", path);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw io_error(err, "cannot rename into place", path);
  }
  fsync_directory(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  auto temp = temp_path_for(path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      const int err = errno;
      if (err == ENOENT)
        throw Error(ErrorKind::Io, "cannot create file: the folder does not exist", temp.string(),
                    "create the folder or check the path");
      throw io_error(err, "cannot create file", temp);
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      const int err = errno;
      out.close();
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      throw io_error(err, "cannot write file", path);
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
