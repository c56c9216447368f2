#include "core/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace shotgen {
namespace {

std::string file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISREG(mode)) return "a regular file";
  return "not a regular file";
}

// "67108864 bytes (64 MiB)"
std::string byte_count(std::uintmax_t bytes) {
  return std::to_string(bytes) + " bytes (" + std::to_string(bytes >> 20) + " MiB)";
}

// Closes the descriptor on every path out of read_regular_file.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0)
    throw Error("cannot read file: " + std::string(std::strerror(errno)), path.string(),
                "check that the path exists and is readable");
  struct stat info {};
  if (::fstat(file.fd, &info) != 0)
    throw Error("cannot read file: " + std::string(std::strerror(errno)), path.string(),
                "check that the path exists and is readable");
  if (!S_ISREG(info.st_mode))
    throw Error(ErrorKind::NotARegularFile, "is " + file_type_name(info.st_mode) + ", not a regular file",
                path.string(), "point it at an image file");
  const auto size = static_cast<std::uintmax_t>(info.st_size);
  if (size > max_bytes)
    throw Error(ErrorKind::TooLarge,
                "file is " + std::to_string(size) + " bytes, more than the limit of " + byte_count(max_bytes),
                path.string(), "use a smaller file");
  std::string bytes;
  bytes.resize(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t got = ::read(file.fd, bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      throw Error("cannot read file: " + std::string(std::strerror(errno)), path.string(),
                  "check that the file is readable");
    if (got == 0) break;  // shrank while being read: what is there is what a decoder sees
    done += static_cast<std::size_t>(got);
  }
  bytes.resize(done);
  return bytes;
}

std::string describe_file_type(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "missing";
  return file_type_name(info.st_mode);
}

}  // namespace shotgen
