#include "prompt/weighting.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include <nlohmann/json.hpp>

namespace shotgen::prompt {
namespace {

constexpr double kRoundMultiplier = 1.1;
// webui multiplies by the reciprocal rather than dividing; doing the same keeps results bit-equal.
constexpr double kSquareMultiplier = 1.0 / 1.1;
// Products stay finite on the way (so that inf * 0 cannot give NaN); the final clamp is much tighter.
constexpr double kLargestIntermediateWeight = 1e300;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_syntax(char c) { return c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == ':'; }
bool is_escapable(char c) { return c == '(' || c == ')' || c == '[' || c == ']' || c == '\\'; }

// Matches ":<spaces><number><spaces>)" at `pos` (the number being [+-]?[.0-9]+ as in webui).
// Returns the token length and the number text, or nothing if the pattern does not match.
struct WeightToken {
  std::size_t length;
  std::string_view number;
};
std::optional<WeightToken> match_weight_token(std::string_view text, std::size_t pos) {
  std::size_t i = pos + 1;
  while (i < text.size() && is_space(text[i])) ++i;
  std::size_t number_start = i;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t digits_start = i;
  while (i < text.size() && (text[i] == '.' || (text[i] >= '0' && text[i] <= '9'))) ++i;
  if (i == digits_start) return std::nullopt;
  std::size_t number_end = i;
  while (i < text.size() && is_space(text[i])) ++i;
  if (i >= text.size() || text[i] != ')') return std::nullopt;
  return WeightToken{i + 1 - pos, text.substr(number_start, number_end - number_start)};
}

// Python's float() on the [+-]?[.0-9]+ text; nothing for forms it rejects ("1.2.3", ".").
std::optional<double> parse_number(std::string_view number) {
  bool negative = false;
  if (!number.empty() && (number.front() == '+' || number.front() == '-')) {
    negative = number.front() == '-';
    number.remove_prefix(1);
  }
  double value = 0.0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  return negative ? -value : value;
}

}  // namespace

std::vector<WeightedRun> parse_weighted_prompt(std::string_view text) {
  std::vector<WeightedRun> runs;
  std::vector<std::size_t> open_round;   // index in `runs` where each open "(" starts
  std::vector<std::size_t> open_square;  // same for "["
  auto multiply_from = [&runs](std::size_t start, double multiplier) {
    for (std::size_t i = start; i < runs.size(); ++i)
      runs[i].weight = std::clamp(runs[i].weight * multiplier, -kLargestIntermediateWeight, kLargestIntermediateWeight);
  };
  auto append_text = [&runs](std::string_view piece) { runs.push_back({std::string(piece), 1.0}); };

  std::size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '\\') {
      if (pos + 1 < text.size() && is_escapable(text[pos + 1])) {
        append_text(text.substr(pos + 1, 1));
        pos += 2;
      } else {
        pos += 1;  // a lone backslash contributes nothing, as in webui
      }
    } else if (c == '(') {
      open_round.push_back(runs.size());
      pos += 1;
    } else if (c == '[') {
      open_square.push_back(runs.size());
      pos += 1;
    } else if (c == ':') {
      auto token = match_weight_token(text, pos);
      if (!token) {
        append_text(":");
        pos += 1;
        continue;
      }
      auto weight = parse_number(token->number);
      if (weight && !open_round.empty()) {
        multiply_from(open_round.back(), *weight);
        open_round.pop_back();
      } else {
        append_text(text.substr(pos, token->length));
      }
      pos += token->length;
    } else if (c == ')' && !open_round.empty()) {
      multiply_from(open_round.back(), kRoundMultiplier);
      open_round.pop_back();
      pos += 1;
    } else if (c == ']' && !open_square.empty()) {
      multiply_from(open_square.back(), kSquareMultiplier);
      open_square.pop_back();
      pos += 1;
    } else if (c == ')' || c == ']') {
      append_text(text.substr(pos, 1));
      pos += 1;
    } else {
      std::size_t end = pos;
      while (end < text.size() && !is_syntax(text[end])) ++end;
      append_text(text.substr(pos, end - pos));
      pos = end;
    }
  }
  // Unclosed openers weight everything after them, round ones first, outermost first (webui order).
  for (std::size_t start : open_round) multiply_from(start, kRoundMultiplier);
  for (std::size_t start : open_square) multiply_from(start, kSquareMultiplier);

  std::vector<WeightedRun> merged;
  for (auto& run : runs) {
    if (run.text.empty()) continue;
    run.weight = std::clamp(run.weight, kMinPromptWeight, kMaxPromptWeight);
    if (!merged.empty() && merged.back().weight == run.weight) {
      merged.back().text += run.text;
    } else {
      merged.push_back(std::move(run));
    }
  }
  if (merged.empty()) merged.push_back({"", 1.0});  // webui's answer when nothing is left
  return merged;
}

std::string strip_weighting(std::string_view text) {
  std::string out;
  for (const auto& run : parse_weighted_prompt(text)) out += run.text;
  return out;
}

std::string escape_weighting(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_escapable(c)) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string format_runs_json(const std::vector<WeightedRun>& runs) {
  auto array = nlohmann::json::array();
  for (const auto& run : runs) array.push_back(nlohmann::json::array({run.text, run.weight}));
  // Replace invalid UTF-8 rather than throw: the text is echoed back to the user as given.
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace shotgen::prompt
