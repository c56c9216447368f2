#pragma once
// The prompt assembler: the only way to build a shot's prompts, so every prompt carries the
// film's style block and negative block.
//
// Look: film [look] <- scene look <- shot look (a field set at a deeper level wins).
//
// Positive prompt, in this order (section names in quotes):
//   "style"                the style block, verbatim (surrounding whitespace trimmed), FIRST
//   "action"               the shot's action
//   "camera_move", "camera_angle", "shot_size", "lens", "lighting", "palette", "composition",
//   "atmosphere", "mood", "attribution"          the merged look fields that are set
//   "reference:<id>"       per reference the shot uses with a non-empty `use` list, in the
//                          shot's order: "<dims> from reference <id>[, <description>]",
//                          e.g. "palette and lighting from reference harbor_board"
// Joining: style and action are sentences, each ended with "." unless they already end in
// . ! or ?, separated by " "; the remaining sections follow, joined by ", ".
//   "<style>. <action>. slow push in, low angle, wide shot, 35mm, low-key, ..."
//
// Negative prompt: terms in this order, de-duplicated case- and whitespace-insensitively (the
// first occurrence is kept, as written), joined by ", ":
//   "negative:format", "negative:anatomy", "negative:quality", "negative:extra"  (the negative block)
//   "negative:scene"       the scene's extra negatives
//   "negative:shot"        the shot's extra negatives
//   "negative:reference:<id>"  per ignored dimension "<dim> of reference <id>"
// Each list entry is one term (entries are not split on commas).
//
// Weighting syntax ("(term:1.3)") is kept as written; the engine parses it. Lengths are counted
// with count_prompt_words(strip_weighting(text)) against BackendCaps::max_prompt_words, for the
// positive and the negative prompt separately. Over the limit, whole sections are cut in this
// order until the prompt fits, and each cut is reported in cut_sections():
//   positive: attribution, mood, atmosphere, reference:* (last first), composition, lens,
//             camera_angle, shot_size, camera_move, lighting, palette, action (last)
//   negative: negative:reference:* (last first), negative:scene, negative:shot
// The style block and the negative block are never cut: if either alone exceeds the limit,
// assemble_prompt throws shotgen::Error naming the shot and the limit.
// A backend that does not accept negatives still gets the negative assembled here: it is never
// dropped silently (lint warns about such routes).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "film/film.h"
#include "film/prompt_term.h"
#include "prompt/backend_caps.h"

namespace shotgen::prompt {

enum class SectionKind { Positive, Negative };
std::string_view section_kind_name(SectionKind kind);  // "positive" / "negative"

struct PromptSection {
  std::string name;  // "style", "action", "lighting", "reference:board", "negative:quality", ...
  std::string text;  // kept sections: what this section contributed (negatives after de-dup);
                     // cut sections: what it would have contributed
  SectionKind kind = SectionKind::Positive;
  bool cut = false;
  bool operator==(const PromptSection&) const = default;
};

class AssembledPrompt;
AssembledPrompt assemble_prompt(const film::Film& film, const film::Shot& shot, const BackendCaps& caps);

// A shot's assembled prompts. Only assemble_prompt creates one (there is no other constructor),
// so any AssembledPrompt starts with the style block and carries the whole negative block.
class AssembledPrompt {
 public:
  const std::string& shot_id() const { return shot_id_; }
  const std::string& backend() const { return backend_; }
  const std::string& positive() const { return positive_; }
  const std::string& negative() const { return negative_; }
  // Kept and cut sections in prompt order (positive sections first); empty sections omitted.
  const std::vector<PromptSection>& sections() const { return sections_; }
  const std::vector<std::string>& cut_sections() const { return cut_sections_; }  // names, in cut order
  const std::string& style_text() const { return style_text_; }  // the style block as used
  const std::vector<std::string>& negative_terms() const { return negative_terms_; }  // de-duplicated, kept
  int positive_words() const { return positive_words_; }
  int negative_words() const { return negative_words_; }
  int max_prompt_words() const { return max_prompt_words_; }

 private:
  AssembledPrompt() = default;
  friend AssembledPrompt assemble_prompt(const film::Film&, const film::Shot&, const BackendCaps&);

  std::string shot_id_;
  std::string backend_;
  std::string positive_;
  std::string negative_;
  std::vector<PromptSection> sections_;
  std::vector<std::string> cut_sections_;
  std::string style_text_;
  std::vector<std::string> negative_terms_;
  int positive_words_ = 0;
  int negative_words_ = 0;
  int max_prompt_words_ = 0;
};

// The style block and the negative block never fit by cutting: nothing when both alone fit
// `caps`' prompt limit, else the Problem (kind "prompt-block-too-long", at `where`) that
// assemble_prompt throws for every shot on that backend.
std::optional<Problem> blocks_exceeding_limit(const film::Film& film, const BackendCaps& caps, const std::string& where);

// The shot's effective look: film look <- its scene's look <- its own look.
film::Look merged_look(const film::Film& film, const film::Shot& shot);

// SHA-256 (hex) of everything that determines a generation: positive, negative, backend,
// parameters and seed, serialized canonically as compact JSON with sorted keys
// {"backend","negative","params","positive","seed","v"}. `params_json` is parsed and re-serialized,
// so key order and whitespace in it do not matter; invalid JSON throws shotgen::Error.
std::string generation_hash(const AssembledPrompt& prompt, std::string_view backend, std::string_view params_json,
                            std::uint64_t seed);

// {"shot","backend","positive","negative","style_text","negative_terms","sections":[{"name","text",
// "kind","cut"}],"cut_sections","positive_words","negative_words","max_prompt_words"}
nlohmann::json to_json(const AssembledPrompt& prompt);

}  // namespace shotgen::prompt
