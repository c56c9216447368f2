#include "core/io_error.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace shotgen {

bool is_disk_full(int error_number) { return error_number == ENOSPC || error_number == EDQUOT; }

Error io_error(int error_number, std::string_view doing, const std::filesystem::path& path) {
  std::string what(doing);
  std::string fix;
  if (is_disk_full(error_number)) {
    what += ": the disk is full";
    fix = "free some disk space and run the command again";
  } else if (error_number == EIO) {
    what += ": input/output error (the disk or its file system failed)";
    fix = "check the disk (the system log names the device), then run the command again";
  } else if (error_number == EACCES || error_number == EPERM || error_number == EROFS) {
    what += ": " + std::string(std::strerror(error_number));
    fix = "check that the folder is writable";
  } else {
    what += ": " + std::string(std::strerror(error_number));
    fix = "check free disk space and permissions";
  }
  Problem problem{std::move(what), path.string(), std::move(fix), ErrorKind::Io,
                  is_disk_full(error_number) ? "disk-full" : "io"};
  return Error(std::move(problem));
}

}  // namespace shotgen
