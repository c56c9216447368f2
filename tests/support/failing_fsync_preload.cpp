// A failing disk for tests, loaded with LD_PRELOAD into build/shotgen: fsync and fdatasync of any
// file whose path starts with $SHOTGEN_FAIL_FSYNC_UNDER fail with EIO, as they do when a disk could
// not write back a file's pages. fsync is where that error reaches a program (writes only fill the
// page cache), and every writer of shotgen (atomic files, the MP4 muxer's commit, SQLite's commits)
// syncs before it calls a file done. Every other call goes to the C library.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

bool fails(int fd) {
  const char* prefix = std::getenv("SHOTGEN_FAIL_FSYNC_UNDER");
  if (prefix == nullptr || *prefix == '\0') return false;
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  const ssize_t length = ::readlink(link, target, sizeof target - 1);
  if (length <= 0) return false;
  target[length] = '\0';
  return std::strncmp(target, prefix, std::strlen(prefix)) == 0;
}

using SyncFn = int (*)(int);

SyncFn next_in_chain(const char* name) { return reinterpret_cast<SyncFn>(::dlsym(RTLD_NEXT, name)); }

}  // namespace

extern "C" int fsync(int fd) {
  static const SyncFn next = next_in_chain("fsync");
  if (fails(fd)) {
    errno = EIO;
    return -1;
  }
  return next(fd);
}

extern "C" int fdatasync(int fd) {
  static const SyncFn next = next_in_chain("fdatasync");
  if (fails(fd)) {
    errno = EIO;
    return -1;
  }
  return next(fd);
}
