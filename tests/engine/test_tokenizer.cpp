#include <algorithm>

#include <gtest/gtest.h>

#include "engine/text/tokenizer.h"

using namespace shotgen::engine;

namespace {
Tokenizer make_tokenizer(int max_tokens = 77) { return Tokenizer({"hand", "painted", "green", "sky"}, 16, max_tokens); }
}  // namespace

TEST(Tokenizer, SplitsOnNonAlphanumericAndLowercases) {
  EXPECT_EQ(split_words("Hand-painted SKY, 2 figures!"),
            (std::vector<std::string>{"hand", "painted", "sky", "2", "figures"}));
  EXPECT_TRUE(split_words(" ,;- ").empty());
}

TEST(Tokenizer, VocabularyWordsGetTheirIdsAfterTheSpecialTokens) {
  const TokenizedPrompt tokens = make_tokenizer().tokenize("Hand-painted sky");
  EXPECT_EQ(tokens.ids, (std::vector<std::int64_t>{kStartToken, 2, 3, 5}));
  EXPECT_EQ(tokens.weights, (std::vector<double>{1.0, 1.0, 1.0, 1.0}));
  EXPECT_EQ(tokens.truncated, 0);
}

TEST(Tokenizer, UnknownWordsAreHashedIntoBuckets) {
  const Tokenizer tokenizer = make_tokenizer();
  const std::int64_t id = tokenizer.word_id("dragon");
  EXPECT_EQ(id, 2 + 4 + static_cast<std::int64_t>(fnv1a_64("dragon") % 16));
  EXPECT_EQ(tokenizer.tokenize("DRAGON").ids.back(), id);  // case-insensitive, stable
  EXPECT_EQ(fnv1a_64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a_64("a"), 0xaf63dc4c8601ec8cull);  // FNV-1a 64 reference value
  EXPECT_EQ(tokenizer.vocabulary_size(), 2 + 4 + 16);
}

TEST(Tokenizer, TokensCarryTheirRunsWeights) {
  const TokenizedPrompt tokens = make_tokenizer().tokenize("a (green sky:1.5) [painted]");
  ASSERT_EQ(tokens.ids.size(), 5u);
  EXPECT_DOUBLE_EQ(tokens.weights[1], 1.0);
  EXPECT_DOUBLE_EQ(tokens.weights[2], 1.5);
  EXPECT_DOUBLE_EQ(tokens.weights[3], 1.5);
  EXPECT_NEAR(tokens.weights[4], 1.0 / 1.1, 1e-12);
}

TEST(Tokenizer, EmptyPromptIsTheStartTokenAlone) {
  const TokenizedPrompt tokens = make_tokenizer().tokenize("");
  EXPECT_EQ(tokens.ids, std::vector<std::int64_t>{kStartToken});
}

TEST(Tokenizer, TruncatesToMaxTokensAndCountsTheRest) {
  const TokenizedPrompt tokens = make_tokenizer(4).tokenize("one two three four five six");
  EXPECT_EQ(tokens.ids.size(), 4u);
  EXPECT_EQ(tokens.truncated, 3);
}

TEST(Tokenizer, HyphenatedSplitKeepsSingleHyphenJoinsAndRejoinsToTheWords) {
  EXPECT_EQ(split_hyphenated_words("Low-key, cool -dark- a--b golden-hour-light"),
            (std::vector<std::string>{"low-key", "cool", "dark", "a", "b", "golden-hour-light"}));
  for (const char* text : {"Low-key, cool -dark- a--b", "hand-painted sky", "x-", "-", "é-a"}) {
    std::vector<std::string> parts;
    for (const std::string& word : split_hyphenated_words(text))
      for (std::size_t begin = 0; begin <= word.size();) {
        const std::size_t end = std::min(word.find('-', begin), word.size());
        parts.push_back(word.substr(begin, end - begin));
        begin = end + 1;
      }
    EXPECT_EQ(parts, split_words(text)) << text;
  }
}

TEST(Tokenizer, CompoundWordsAreOneTokenAfterTheBucketsOtherHyphenatedWordsSplit) {
  const Tokenizer plain = make_tokenizer();
  const Tokenizer compounds({"hand", "painted", "green", "sky"}, 16, 77, {"low-key", "hand-painted"});
  EXPECT_EQ(compounds.vocabulary_size(), plain.vocabulary_size() + 2);
  // Listed compounds: their own ids, after the 16 buckets; case and surrounding text do not matter.
  EXPECT_EQ(compounds.tokenize("Hand-painted, LOW-KEY sky").ids,
            (std::vector<std::int64_t>{kStartToken, 2 + 4 + 16 + 1, 2 + 4 + 16 + 0, 5}));
  // Written apart, or a compound the model does not list: the parts, with the ids of before.
  EXPECT_EQ(compounds.tokenize("hand painted sky").ids, plain.tokenize("hand painted sky").ids);
  EXPECT_EQ(compounds.tokenize("green-sky").ids, plain.tokenize("green-sky").ids);
  EXPECT_EQ(compounds.tokenize("green-sky").ids, (std::vector<std::int64_t>{kStartToken, 4, 5}));
  // A model without compounds tokenizes hyphenated words as it always did.
  EXPECT_EQ(plain.tokenize("Hand-painted sky").ids, (std::vector<std::int64_t>{kStartToken, 2, 3, 5}));
}

TEST(Tokenizer, SplitCompoundPartsCountAgainstTheLimit) {
  const Tokenizer tokenizer({"a", "b"}, 4, 3, {"a-b"});
  EXPECT_EQ(tokenizer.tokenize("a-b a-b").ids.size(), 3u);  // start + two compound tokens
  const TokenizedPrompt split = tokenizer.tokenize("b-a b-a");  // not listed: four parts, room for two
  EXPECT_EQ(split.ids.size(), 3u);
  EXPECT_EQ(split.truncated, 2);
}
