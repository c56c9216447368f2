#include "serve/workspace_files.h"

#include <algorithm>
#include <array>
#include <system_error>

#include "core/path_within.h"
#include "serve/api_error.h"

namespace fs = std::filesystem;

namespace shotgen::serve {
namespace {

constexpr std::array<std::string_view, 2> kServedFolders = {"renders", "references"};

[[noreturn]] void refuse(int status, const std::string& what, std::string_view relative, const std::string& kind) {
  throw ApiError(status, what, "/files/" + std::string(relative),
                 "ask for a file under renders/ or references/ by its workspace-relative path", kind);
}

}  // namespace

std::string content_type_for(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".mp4") return "video/mp4";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".webp") return "image/webp";
  if (ext == ".otio" || ext == ".json") return "application/json";
  return "application/octet-stream";
}

ServedFile resolve_served_file(const fs::path& workspace_root, std::string_view relative) {
  if (relative.empty()) refuse(400, "no file named", relative, "bad-path");
  if (relative.find('\0') != std::string_view::npos || relative.find('\\') != std::string_view::npos)
    refuse(400, "a path with a backslash or NUL is not served", relative, "bad-path");
  if (relative.front() == '/') refuse(400, "absolute paths are not served", relative, "bad-path");
  fs::path joined = workspace_root;
  std::size_t start = 0;
  bool first = true;
  while (start <= relative.size()) {
    const std::size_t end = std::min(relative.find('/', start), relative.size());
    const std::string_view part = relative.substr(start, end - start);
    if (part.empty() || part == "." || part == "..")
      refuse(400, "'..', '.' and empty path components are not served", relative, "bad-path");
    if (part.front() == '.') refuse(403, "hidden files are not served", relative, "forbidden-path");
    if (first && std::find(kServedFolders.begin(), kServedFolders.end(), part) == kServedFolders.end())
      refuse(403, "only files under renders/ and references/ are served", relative, "forbidden-path");
    joined /= std::string(part);
    first = false;
    start = end + 1;
  }
  // A symlink anywhere on the way, the served folder itself included, may point out: compare the
  // resolved paths with the workspace and with the folder.
  const fs::path folder = workspace_root / std::string(relative.substr(0, relative.find('/')));
  if (!is_within(joined, workspace_root) || !is_within(joined, folder))
    refuse(403, "the path leads outside the workspace", relative, "forbidden-path");
  std::error_code ec;
  const fs::path resolved = resolve_path(joined);
  const auto status = fs::status(resolved, ec);
  if (ec || !fs::exists(status)) refuse(404, "no such file", relative, "unknown-file");
  if (!fs::is_regular_file(status)) refuse(403, "not a regular file", relative, "forbidden-path");
  const auto size = fs::file_size(resolved, ec);
  if (ec) refuse(404, "cannot read the file's size: " + ec.message(), relative, "unknown-file");
  return {resolved, size, content_type_for(resolved)};
}

}  // namespace shotgen::serve
