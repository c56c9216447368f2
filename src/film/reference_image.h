#pragma once
// Where a reference image may be read from. The workspace is the boundary: an image must lie
// inside the workspace folder or inside the one folder film.toml names as its shared library
// ([film] reference_library). The path is resolved as the file system resolves it (".."
// components and symlinks included), so neither an absolute path, a "../../" nor a symlink can
// make shotgen read a file outside those folders. Lint, sync and render all use this check.
#include <filesystem>

#include "core/error.h"
#include "film/film.h"

namespace shotgen::film {

// The reference library folder of `film` as an absolute path, or empty when the film names none.
std::filesystem::path reference_library_dir(const std::filesystem::path& workspace_root, const Film& film);

// The resolved path of `reference`'s image, or the Problem (code "reference-outside-workspace")
// that names the reference's film.toml line, says where the path leads and how to fix it.
// Whether the file exists is not checked here.
Outcome<std::filesystem::path> resolve_reference_image(const std::filesystem::path& workspace_root, const Film& film,
                                                       const Reference& reference);

}  // namespace shotgen::film
