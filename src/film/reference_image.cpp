#include "film/reference_image.h"

#include "core/path_within.h"

namespace shotgen::film {
namespace fs = std::filesystem;

namespace {
// Inside by spelling alone, before symlinks: tells a '..' escape from a symlink escape.
bool lexically_within(const fs::path& path, const fs::path& folder) {
  const fs::path relative = fs::absolute(path).lexically_normal().lexically_relative(fs::absolute(folder).lexically_normal());
  return !relative.empty() && *relative.begin() != "..";
}
}  // namespace

fs::path reference_library_dir(const fs::path& workspace_root, const Film& film) {
  if (film.info.reference_library.empty()) return {};
  fs::path library = film.info.reference_library;
  return resolve_path(library.is_absolute() ? library : workspace_root / library);
}

Outcome<fs::path> resolve_reference_image(const fs::path& workspace_root, const Film& film, const Reference& reference) {
  const fs::path given = reference.image;
  const fs::path target = resolve_path(given.is_absolute() ? given : workspace_root / given);
  const fs::path library = reference_library_dir(workspace_root, film);
  if (is_within(target, workspace_root) || (!library.empty() && is_within(target, library))) return target;

  // Say how the path got out: the three ways differ in what the user has to change.
  std::string how;
  if (given.is_absolute())
    how = "an absolute path";
  else if (!lexically_within(workspace_root / given, workspace_root))
    how = "'..' leads to " + target.string();
  else
    how = "a symlink leads to " + target.string();
  std::string outside = library.empty() ? "the workspace" : "the workspace and the reference library " + library.string();
  std::string fix = library.empty()
                        ? "copy the image into the workspace's references/ folder, or name a shared library folder in "
                          "film.toml: [film] reference_library = \"/path/to/library\""
                        : "copy the image into the workspace's references/ folder or into the reference library";
  std::string where = reference.source.empty() ? "reference " + reference.id : reference.source;
  return Problem{"reference '" + reference.id + "' image '" + reference.image + "' is outside " + outside + " (" + how + ")",
                 where, fix, ErrorKind::General, "reference-outside-workspace"};
}

}  // namespace shotgen::film
