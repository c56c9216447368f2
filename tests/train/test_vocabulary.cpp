#include "train/vocabulary.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/text/tokenizer.h"
#include "support/test_support.h"
#include "world/captions.h"

namespace shotgen::train {
namespace {

bool contains(const std::vector<std::string>& words, const std::string& word) {
  return std::binary_search(words.begin(), words.end(), word);
}

TEST(Vocabulary, CoversEveryWordOfCaptionsFromOtherSeeds) {
  const std::vector<std::string> words = caption_vocabulary();
  ASSERT_TRUE(std::is_sorted(words.begin(), words.end()));
  ASSERT_EQ(std::adjacent_find(words.begin(), words.end()), words.end());
  world::Rng rng(987654321);
  for (int i = 0; i < 3000; ++i) {
    world::ClipAttributes attributes = world::sample_attributes(rng);
    for (const std::string& word : engine::split_words(world::caption_for(attributes, rng)))
      ASSERT_TRUE(contains(words, word)) << word;
  }
  for (const char* word : {"photorealistic", "pan", "tilt", "teal", "orange", "green", "crowd", "fog", "silhouette"})
    EXPECT_TRUE(contains(words, word)) << word;
}

TEST(Vocabulary, CompoundWordsAreTheCaptionsHyphenatedWordsMadeOfVocabularyWords) {
  const std::vector<std::string> compounds = caption_compound_words();
  ASSERT_TRUE(std::is_sorted(compounds.begin(), compounds.end()));
  for (const char* word : {"low-key", "high-key", "golden-hour", "wide-angle"})
    EXPECT_TRUE(contains(compounds, word)) << word;
  const std::vector<std::string> words = caption_vocabulary();
  for (const std::string& compound : compounds) {
    EXPECT_NE(compound.find('-'), std::string::npos) << compound;
    for (const std::string& part : engine::split_words(compound)) EXPECT_TRUE(contains(words, part)) << compound;
  }
}

TEST(Vocabulary, AddsTheExampleProjectsPromptWords) {
  const std::vector<std::string> texts = example_prompt_texts(testing::projects_dir());
  ASSERT_FALSE(texts.empty());
  const std::vector<std::string> words = training_vocabulary(texts);
  EXPECT_TRUE(contains(words, "noodles"));    // night_market's shot actions
  EXPECT_TRUE(contains(words, "watermark"));  // its negative block
  EXPECT_TRUE(contains(words, "pastel"));     // still every caption word
  EXPECT_GT(words.size(), caption_vocabulary().size());
  for (const std::string& word : words)
    EXPECT_EQ(engine::split_words(word), std::vector<std::string>{word}) << "not a tokenizer word: " << word;
}

TEST(Vocabulary, MissingProjectsDirectoryGivesNoTexts) {
  testing::TempDir dir;
  EXPECT_TRUE(example_prompt_texts(dir.path() / "none").empty());
}

}  // namespace
}  // namespace shotgen::train
