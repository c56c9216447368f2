#pragma once
// Files are never half-written: content goes to a temporary name in the same directory, is
// flushed to disk, and is renamed over the target (rename is atomic within one filesystem).
#include <filesystem>
#include <optional>
#include <string_view>

namespace shotgen {

// Writes `bytes` to `path` atomically. Throws shotgen::Error naming the file on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// The temporary sibling name used while `path` is being written: "<dir>/.<name>.tmp-<pid>".
// Exposed so writers that need a real file (FFmpeg, libpng) can follow the same protocol.
std::filesystem::path temp_path_for(const std::filesystem::path& path);

// fsyncs `temp` and renames it to `path` (then fsyncs the directory). Throws on failure.
void commit_temp_file(const std::filesystem::path& temp, const std::filesystem::path& path);

// True for names produced by temp_path_for(): used to find leftovers of a killed process.
bool is_temp_file_name(std::string_view file_name);

// The pid of the process that wrote a temp_path_for() name; nullopt for any other name.
std::optional<long> temp_file_writer_pid(std::string_view file_name);

// Reads a whole file. Throws shotgen::Error naming the file if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace shotgen
