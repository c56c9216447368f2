#pragma once
// Attention-weighting syntax as AUTOMATIC1111 (stable-diffusion-webui) users write it:
//   (term)        weight x1.1            [term]        weight /1.1
//   (term:1.3)    weight x1.3            nesting       weights multiply: ((term)) = x1.21
//   \( \) \[ \] \\  literal bracket / backslash characters
// Unbalanced brackets behave exactly as webui's parse_prompt_attention:
//   - an unclosed "(" or "[" applies its x1.1 or /1.1 to all text after it, up to the end;
//   - a ")" or "]" with no matching opener is literal text;
//   - "(term:1.3)" whose "(" is missing keeps ":1.3)" as literal text;
//   - a backslash before any other character is dropped ("a\b" -> "ab").
// Weights are multiplied in the same order as webui does (innermost closer first, unclosed
// openers last), so results agree to the last bit and adjacent runs merge identically.
// Differences from webui, on purpose:
//   - weights are clamped to [kMinPromptWeight, kMaxPromptWeight] = [0, 10] once parsed (after
//     the multiplications, before adjacent runs merge): webui lets 1000 nested "(" reach 2.5e41
//     and overflow to inf, which blanks every frame. Below 0 becomes 0, which the engine treats
//     as "leave the term out" (it adds ln w to the attention logits). Every weight webui users
//     write in practice (0.1 to 2, up to 24 nested brackets) is unchanged;
//   - runs with empty text are removed; when nothing is left the result is one empty run of
//     weight 1.0, [["", 1.0]], as in webui;
//   - BREAK is ordinary text (shotgen's encoder has no 75-token chunks to break).
#include <string>
#include <string_view>
#include <vector>

namespace shotgen::prompt {

inline constexpr double kMinPromptWeight = 0.0;
inline constexpr double kMaxPromptWeight = 10.0;

struct WeightedRun {
  std::string text;
  double weight = 1.0;
  bool operator==(const WeightedRun&) const = default;
};

// Splits `text` into runs of equal weight (adjacent runs of equal weight merged), in order.
std::vector<WeightedRun> parse_weighted_prompt(std::string_view text);

// The text a reader sees: the runs' text concatenated, without brackets, weights or escapes.
std::string strip_weighting(std::string_view text);

// Backslash-escapes ( ) [ ] and \ so that `text` parses back as one run of weight 1.0.
std::string escape_weighting(std::string_view text);

// JSON array of [text, weight] pairs, compact: [["an ",1.0],["important",1.1]].
std::string format_runs_json(const std::vector<WeightedRun>& runs);

}  // namespace shotgen::prompt
