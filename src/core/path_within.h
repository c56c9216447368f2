#pragma once
// Whether a path stays inside a folder once the file system has resolved it: ".." components
// and symlinks (of the part that exists) are followed before the comparison, so a path cannot
// leave the folder by spelling. Used wherever shotgen opens a file named by a user's text.
#include <filesystem>

namespace shotgen {

// `path` made absolute and resolved through every symlink of its existing part.
std::filesystem::path resolve_path(const std::filesystem::path& path);

// True when resolve_path(path) is resolve_path(folder) or lies below it (compared by whole
// components, so "/srv/refs_old" is not inside "/srv/refs").
bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder);

}  // namespace shotgen
