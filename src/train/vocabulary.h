#pragma once
// The model's word vocabulary (vocab.txt): every word the world's caption generator can emit plus
// the words of the example projects' prompt fields, so the prompts the tool ships with encode to
// learned ids rather than hash buckets.
#include <filesystem>
#include <string>
#include <vector>

namespace shotgen::train {

// Every word of every phrasing of every world attribute, and of the captions themselves (action
// phrases, mood decorations, negated style phrases). Captions are generated from a fixed set of
// seeds covering every attribute combination many times over, so every phrasing the generator
// can pick appears (checked by test_vocabulary). Sorted, unique, lower-case.
std::vector<std::string> caption_vocabulary();

// The hyphenated words of the world's captions ("low-key", "golden-hour", …), sorted: the compound
// words a model trained with `--compound-words` keeps whole (engine/text/tokenizer.h).
std::vector<std::string> caption_compound_words();

// The prompt texts of every projects_dir/*/film.toml: style block, negative block, look values,
// actions, scene and shot negatives, reference descriptions. Films that fail to load are skipped
// (they are examples, not training input). Sorted by project directory.
std::vector<std::string> example_prompt_texts(const std::filesystem::path& projects_dir);

// caption_vocabulary() ∪ the words of `extra_texts` (split like the tokenizer does); sorted, unique.
std::vector<std::string> training_vocabulary(const std::vector<std::string>& extra_texts);

}  // namespace shotgen::train
