#pragma once
// "Did you mean ...?" suggestions for unknown ids (shots, references).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shotgen::prompt {

// The candidate with the smallest edit distance to `name` (case-insensitive; ties: the earliest),
// or nothing when there are no candidates.
std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// "did you mean 'x'?" or, with no candidates, `when_empty`.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates,
                         std::string_view when_empty);

}  // namespace shotgen::prompt
