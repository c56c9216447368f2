#pragma once
// Word-level tokenizer. Lower-cases the prompt, splits on every non-alphanumeric character
// ("hand-painted" → "hand", "painted"), maps vocabulary words to their ids and hashes unknown
// words (FNV-1a 64) into a fixed set of buckets, so any prompt encodes. Prompt weighting
// ("(term:1.3)") is parsed first; each token carries the weight of the run it came from.
// Ids: 0 = padding, 1 = start token, 2 + i = vocabulary[i], 2 + |vocabulary| + b = bucket b,
// 2 + |vocabulary| + buckets + k = compound_words[k].
//
// Compound words ("low-key", "golden-hour"): a model that lists them keeps each whole, one token,
// where the prompt writes it with its hyphen. Why: split, "low-key" reads as "low" (as in "low sun at
// sunset") + "key" (as in "high-key"), and v3.3 drew low-key light as high-key or golden hour in 11 of
// 12 clips. Their ids come after the buckets, so a model without them keeps every id it had.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "prompt/weighting.h"

namespace shotgen::engine {

inline constexpr std::int64_t kPadToken = 0;
inline constexpr std::int64_t kStartToken = 1;

struct TokenizedPrompt {
  std::vector<std::int64_t> ids;  // starts with kStartToken; at most max_tokens long
  std::vector<double> weights;    // one per id; the start token's is 1.0
  int truncated = 0;              // words dropped because the prompt exceeded max_tokens
};

class Tokenizer {
 public:
  Tokenizer(std::vector<std::string> vocabulary, int hash_buckets, int max_tokens,
            std::vector<std::string> compound_words = {});

  // An empty prompt gives only the start token: the unconditional branch.
  TokenizedPrompt tokenize(std::string_view prompt) const;
  TokenizedPrompt tokenize_runs(const std::vector<prompt::WeightedRun>& runs) const;

  std::int64_t word_id(std::string_view lower_case_word) const;
  int vocabulary_size() const {
    return 2 + static_cast<int>(vocabulary_.size()) + hash_buckets_ + static_cast<int>(compound_words_.size());
  }
  int max_tokens() const { return max_tokens_; }

 private:
  std::vector<std::string> vocabulary_;
  std::vector<std::string> compound_words_;
  std::unordered_map<std::string, std::int64_t> ids_;
  int hash_buckets_;
  int max_tokens_;
};

// 64-bit FNV-1a of the word's bytes (the bucket of an unknown word is this modulo hash_buckets).
std::uint64_t fnv1a_64(std::string_view text);

// Lower-cased alphanumeric words of `text`, in order.
std::vector<std::string> split_words(std::string_view text);

// The same words, but those joined by single hyphens stay joined ("Low-key, cool" → "low-key",
// "cool"); splitting each on '-' gives split_words exactly.
std::vector<std::string> split_hyphenated_words(std::string_view text);

}  // namespace shotgen::engine
