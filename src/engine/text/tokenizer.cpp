#include "engine/text/tokenizer.h"

#include <cctype>

namespace shotgen::engine {

std::uint64_t fnv1a_64(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (unsigned char c : text) {
    // Non-ASCII bytes count as separators too: the vocabulary is ASCII and a stable split matters
    // more than keeping accented words whole.
    if (c < 128 && std::isalnum(c)) {
      current.push_back(static_cast<char>(std::tolower(c)));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

Tokenizer::Tokenizer(std::vector<std::string> vocabulary, int hash_buckets, int max_tokens)
    : vocabulary_(std::move(vocabulary)), hash_buckets_(hash_buckets), max_tokens_(max_tokens) {
  for (std::size_t i = 0; i < vocabulary_.size(); ++i) ids_.emplace(vocabulary_[i], static_cast<std::int64_t>(2 + i));
}

std::int64_t Tokenizer::word_id(std::string_view word) const {
  if (auto it = ids_.find(std::string(word)); it != ids_.end()) return it->second;
  const auto bucket = static_cast<std::int64_t>(fnv1a_64(word) % static_cast<std::uint64_t>(hash_buckets_));
  return 2 + static_cast<std::int64_t>(vocabulary_.size()) + bucket;
}

TokenizedPrompt Tokenizer::tokenize_runs(const std::vector<prompt::WeightedRun>& runs) const {
  TokenizedPrompt out;
  out.ids.push_back(kStartToken);
  out.weights.push_back(1.0);
  for (const prompt::WeightedRun& run : runs) {
    for (const std::string& word : split_words(run.text)) {
      if (static_cast<int>(out.ids.size()) >= max_tokens_) {
        ++out.truncated;
        continue;
      }
      out.ids.push_back(word_id(word));
      out.weights.push_back(run.weight);
    }
  }
  return out;
}

TokenizedPrompt Tokenizer::tokenize(std::string_view prompt) const {
  return tokenize_runs(prompt::parse_weighted_prompt(prompt));
}

}  // namespace shotgen::engine
