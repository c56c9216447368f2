#pragma once
// Which files of the workspace the page may fetch (GET /files/<path>): the takes, posters, films,
// timelines and contact sheets under renders/ and the images under references/. Nothing else:
// film.toml and shotgen.db are read through the API, never handed out. A path is refused before
// the file system is asked anything when it is absolute, has a '..', '.' or empty component, a
// backslash or a NUL, or names a hidden file (temporary files of a running render are
// ".<name>.tmp-<pid>"); then, resolved through every symlink, it must still lie inside the
// workspace folder it names.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace shotgen::serve {

struct ServedFile {
  std::filesystem::path path;  // absolute, resolved
  std::uintmax_t size = 0;
  std::string content_type;
};

// The file `relative` ('/'-separated, as the URL has it after /files/) names in the workspace at
// `workspace_root`. Throws ApiError: 400 for a malformed path, 403 for a path outside
// renders/ and references/ or leading out of them, 404 when there is no regular file.
ServedFile resolve_served_file(const std::filesystem::path& workspace_root, std::string_view relative);

// "video/mp4", "image/png", ... by extension; "application/octet-stream" for others.
std::string content_type_for(const std::filesystem::path& path);

}  // namespace shotgen::serve
