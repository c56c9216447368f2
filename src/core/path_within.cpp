#include "core/path_within.h"

#include <algorithm>
#include <system_error>

namespace shotgen {
namespace fs = std::filesystem;

fs::path resolve_path(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal() : out;
}

bool is_within(const fs::path& path, const fs::path& folder) {
  const fs::path inner = resolve_path(path), outer = resolve_path(folder);
  auto outer_end = outer.end();
  if (outer_end != outer.begin() && std::prev(outer_end)->empty()) --outer_end;  // "dir/" ends in ""
  return std::mismatch(outer.begin(), outer_end, inner.begin(), inner.end()).first == outer_end;
}

}  // namespace shotgen
