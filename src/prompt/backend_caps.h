#pragma once
// What a generation backend can take, as the assembler, lint and the router need to know it.
// Prompt length is measured in tokenizer words: the text (weighting syntax removed) lowercased
// (ASCII) and split on every ASCII character that is not a letter or digit and on Unicode
// punctuation/spaces (U+0080-U+00BF, U+00D7, U+00F7, U+2000-U+206F, U+3000-U+303F); other
// non-ASCII characters are letters, so "café" is one word. The engine's word tokenizer must split
// with prompt_words, so a prompt that fits here fits there.
#include <string>
#include <string_view>
#include <vector>

namespace shotgen::prompt {

struct BackendCaps {
  std::string name;
  // Limit for the positive and, separately, the negative prompt; 0 or less means no limit.
  int max_prompt_words = 0;
  bool accepts_negative = true;  // false: a negative prompt sent here has no effect (lint warns)
  // How guidance uses the negative prompt:
  //   "negative_cfg": v = v_neg + s*(v_pos - v_neg)  (the negative replaces the unconditional branch)
  //   "dual_cfg":     unconditional, positive and negative branches with a separate negative strength
  //   "none":         no guidance; the negative prompt is not used
  std::string guidance_style = "negative_cfg";
  bool supports_references = true;
  bool distilled = false;  // turbo/distilled variant: few steps, negatives bite less
  int default_steps = 0;
  double default_guidance = 0.0;
  bool operator==(const BackendCaps&) const = default;
};

// The shipped backends on the default model, preferred first: "final" (full steps) and
// "turbo" (distilled, few steps, shorter prompt limit, for drafts).
std::vector<BackendCaps> default_caps();

// The backend named `name` in `caps`, or nullptr.
const BackendCaps* find_caps(const std::vector<BackendCaps>& caps, std::string_view name);

// The tokenizer words of `text`, lowercased, in order (weighting syntax is NOT removed here;
// brackets and ':' are separators, so a weight like "1.3" would count: call strip_weighting first).
std::vector<std::string> prompt_words(std::string_view text);

// prompt_words(text).size().
int count_prompt_words(std::string_view text);

}  // namespace shotgen::prompt
