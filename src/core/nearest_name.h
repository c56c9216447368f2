#pragma once
// "Did you mean ...?" suggestions for unknown keys, ids and names, shared by every error message.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shotgen {

// Case-insensitive edit distance; an adjacent transposition counts as one edit ("fsp" -> "fps").
std::size_t edit_distance(std::string_view a, std::string_view b);

struct NameMatch {
  std::string name;
  std::size_t distance = 0;
};

// The candidate closest to `name` (ties: the earliest), or nothing when there are no candidates.
std::optional<NameMatch> nearest_match(std::string_view name, const std::vector<std::string>& candidates);
std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// Close enough to be a typo of `name` rather than a different word.
bool is_plausible_typo(std::string_view name, const NameMatch& match);

// "did you mean 'x'?" or, with no candidates, `when_empty`.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates,
                         std::string_view when_empty);

}  // namespace shotgen
