#pragma once
// Lint: finds what would make a film's prompts fight themselves before anything is rendered.
//
// Phrase matching: a term "matches" a prompt when its tokenizer words (prompt_words of the text
// without weighting syntax) occur there as a contiguous sequence, so "text" does not match
// "texture". An occurrence directly preceded by the word "not", "no" or "without" is a negation,
// not a request: the style block "not live action, not photorealistic" asks for neither.
//
// Errors (exit 2):
//   missing-style-block      [style] block is empty
//   missing-negative-block   [negative] has no terms in any layer
//   negated-term-requested   a shot's negative term matches its positive prompt (un-negated),
//                            or a reference both uses and ignores one dimension
//   reference-file-missing   a reference's image does not exist (relative to the workspace)
//   reference-outside-workspace  a reference's image lies outside the workspace and outside
//                            [film] reference_library (film/reference_image.h)
//   unknown-reference        a shot uses a reference id that [[references]] does not define
//   duration-out-of-range    a shot duration or [film] default_shot_duration is not in
//                            (0, film::kMaxShotSeconds]
// Warnings (exit 1):
//   negative-list-too-long   more de-duplicated negative terms than LintOptions::max_negative_terms
//                            (reported once for the negative block itself, else per shot)
//   negative-term-repeated   a term listed twice across the negative layers, or a scene/shot
//                            negative repeating a term of an enclosing level
//   style-displaced          (a) a shot's action or a look field set by the shot or its scene names
//                            a style/medium from the table kStylePhrases in lint.cpp
//                            (photorealistic, live action, 3D render, anime, watercolor, ...) that
//                            the style block does not ask for; a phrase that is itself one of the
//                            shot's negative terms is the error negated-term-requested instead;
//                            (b) the action has more words than the style block, so the style no
//                            longer dominates the prompt
//   conflicting-look         one look value holds contradicting words (table kLookConflicts in
//                            lint.cpp): lighting night/high-key/golden hour/daylight/midday,
//                            high-key/low-key; palette monochrome/black and white/grayscale with
//                            a colour word; camera_move static/locked off with a movement;
//                            atmosphere clear with fog/rain/snow/dust/haze/mist/smoke.
//                            Reported at the level (film, scene, shot) that set the value.
//   unknown-look-word        a look value holds a word the model's vocabulary lacks (model_words
//                            split); the fix names the nearest known word. Reported once per word
//                            at the level that set the value. Needs LintOptions::vocabulary.
//   light-word-in-action     the action names light its shot's lighting contradicts: "light",
//                            "bright", "sunlight", ... in a low-key or night shot, "dark",
//                            "shadows", ... in a high-key or golden-hour shot (tables in lint.cpp):
//                            the model reads them as the shot's lighting, not as a lamp in the story.
// Per-shot prompt checks (negated-term-requested, negative-list-too-long per shot) need both
// blocks; when one is missing only its error is reported for them.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "film/film.h"
#include "prompt/model_vocabulary.h"

namespace shotgen::prompt {

enum class Severity { Warning, Error };
std::string_view severity_name(Severity severity);  // "warning" / "error"

struct LintFinding {
  Severity severity = Severity::Warning;
  std::string code;     // "negated-term-requested"
  std::string message;  // what is wrong
  std::string where;    // "shot s1_02", "reference board", "negative.quality", "look.lighting"
  std::string source;   // "film.toml:55:1" when the film model knows it, else empty
  std::string fix;      // how to fix it
};

// "error: film.toml:55:1 shot s1_02: message (fix)".
std::string format_finding(const LintFinding& finding);

// Findings in the order they were found; other checks (e.g. routing) append with add(). Notes say
// what was not checked and why; they do not change the exit code.
class LintReport {
 public:
  void add(LintFinding finding) { findings_.push_back(std::move(finding)); }
  void add_note(std::string note) { notes_.push_back(std::move(note)); }
  const std::vector<LintFinding>& findings() const { return findings_; }
  const std::vector<std::string>& notes() const { return notes_; }
  int error_count() const;
  int warning_count() const;
  int exit_code() const;  // 0 clean, 1 warnings only, 2 any error
  std::string to_text() const;  // format_finding() per line, then "note: <note>" per note
  // {"errors":N,"warnings":N,"exit_code":N,"findings":[{"severity","code","message","where","source","fix"}],
  //  "notes":["..."]}
  nlohmann::json to_json() const;

 private:
  std::vector<LintFinding> findings_;
  std::vector<std::string> notes_;
};

struct LintOptions {
  int max_negative_terms = 12;  // the field's advice: long lists dilute each term
  // The vocabulary of the model the film is rendered with; unset: unknown-look-word is not checked.
  std::optional<ModelVocabulary> vocabulary;
};

LintReport lint_film(const film::Film& film, const std::filesystem::path& workspace_root,
                     const LintOptions& options = {});

}  // namespace shotgen::prompt
