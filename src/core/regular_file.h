#pragma once
// Reading a file a user named (a reference image, a poster) without trusting what it is: only a
// regular file is read, and only up to a size limit. Opening never blocks (a FIFO without a writer
// would hang open(2) forever, and /dev/zero would be read until memory runs out).
#include <cstdint>
#include <filesystem>
#include <string>

namespace shotgen {

// The whole file, at most `max_bytes`. Throws shotgen::Error naming the file: kind
// NotARegularFile for a directory, FIFO, socket or device; TooLarge beyond `max_bytes`
// (checked before reading); General when it is missing or unreadable.
std::string read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

// What kind of file `path` is, for messages: "a directory", "a FIFO (named pipe)", "a socket",
// "a character device", "a block device", "a regular file"; "missing" when stat fails. Never opens it.
std::string describe_file_type(const std::filesystem::path& path);

}  // namespace shotgen
