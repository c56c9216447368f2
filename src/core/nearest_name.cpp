#include "core/nearest_name.h"

#include <algorithm>
#include <cctype>

namespace shotgen {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::optional<NameMatch> nearest_match(std::string_view name, const std::vector<std::string>& candidates) {
  std::optional<NameMatch> best;
  for (const auto& candidate : candidates) {
    std::size_t d = edit_distance(name, candidate);
    if (!best || d < best->distance) best = NameMatch{candidate, d};
  }
  return best;
}

std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  auto match = nearest_match(name, candidates);
  if (!match) return std::nullopt;
  return match->name;
}

bool is_plausible_typo(std::string_view name, const NameMatch& match) {
  return match.distance <= std::max<std::size_t>(2, name.size() / 3);
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates,
                         std::string_view when_empty) {
  auto nearest = nearest_name(name, candidates);
  if (!nearest) return std::string(when_empty);
  return "did you mean '" + *nearest + "'?";
}

}  // namespace shotgen
