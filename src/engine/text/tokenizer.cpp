#include "engine/text/tokenizer.h"

#include <algorithm>
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

std::vector<std::string> split_hyphenated_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  auto is_word_char = [](unsigned char c) { return c < 128 && std::isalnum(c); };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_word_char(c)) {
      current.push_back(static_cast<char>(std::tolower(c)));
    } else if (c == '-' && !current.empty() && i + 1 < text.size() &&
               is_word_char(static_cast<unsigned char>(text[i + 1]))) {
      current.push_back('-');
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

Tokenizer::Tokenizer(std::vector<std::string> vocabulary, int hash_buckets, int max_tokens,
                     std::vector<std::string> compound_words)
    : vocabulary_(std::move(vocabulary)),
      compound_words_(std::move(compound_words)),
      hash_buckets_(hash_buckets),
      max_tokens_(max_tokens) {
  for (std::size_t i = 0; i < vocabulary_.size(); ++i) ids_.emplace(vocabulary_[i], static_cast<std::int64_t>(2 + i));
  const auto first_compound = static_cast<std::int64_t>(2 + vocabulary_.size()) + hash_buckets_;
  for (std::size_t k = 0; k < compound_words_.size(); ++k)
    ids_.emplace(compound_words_[k], first_compound + static_cast<std::int64_t>(k));
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
    auto add = [&](std::string_view word) {
      if (static_cast<int>(out.ids.size()) >= max_tokens_) {
        ++out.truncated;
        return;
      }
      out.ids.push_back(word_id(word));
      out.weights.push_back(run.weight);
    };
    for (const std::string& word : split_hyphenated_words(run.text)) {
      if (word.find('-') == std::string::npos || ids_.contains(word)) {
        add(word);
        continue;
      }
      for (std::size_t begin = 0; begin <= word.size();) {  // not a compound this model knows: its parts
        const std::size_t end = std::min(word.find('-', begin), word.size());
        add(std::string_view(word).substr(begin, end - begin));
        begin = end + 1;
      }
    }
  }
  return out;
}

TokenizedPrompt Tokenizer::tokenize(std::string_view prompt) const {
  return tokenize_runs(prompt::parse_weighted_prompt(prompt));
}

}  // namespace shotgen::engine
