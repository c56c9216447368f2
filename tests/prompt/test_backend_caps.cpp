#include "prompt/backend_caps.h"

#include <gtest/gtest.h>

namespace shotgen::prompt {
namespace {

TEST(BackendCaps, ShipsFinalThenTurbo) {
  auto caps = default_caps();
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps[0].name, "final");
  EXPECT_EQ(caps[1].name, "turbo");
  EXPECT_FALSE(caps[0].distilled);
  EXPECT_TRUE(caps[1].distilled);
  EXPECT_LT(caps[1].default_steps, caps[0].default_steps);
  EXPECT_LE(caps[1].max_prompt_words, caps[0].max_prompt_words);
  EXPECT_GT(caps[1].max_prompt_words, 0);
}

TEST(BackendCaps, FindsByName) {
  auto caps = default_caps();
  ASSERT_NE(find_caps(caps, "turbo"), nullptr);
  EXPECT_EQ(find_caps(caps, "turbo")->name, "turbo");
  EXPECT_EQ(find_caps(caps, "nope"), nullptr);
}

TEST(PromptWords, LowercasesAndSplitsOnNonAlphanumerics) {
  EXPECT_EQ(prompt_words("Hand-painted, 35mm  LENS!"),
            (std::vector<std::string>{"hand", "painted", "35mm", "lens"}));
  EXPECT_EQ(count_prompt_words("This MUST look — not live action."), 6);
  EXPECT_EQ(count_prompt_words(""), 0);
  EXPECT_EQ(count_prompt_words(" ,.; "), 0);
}

TEST(PromptWords, KeepsUtf8WordsWholeAndSplitsOnUnicodePunctuation) {
  EXPECT_EQ(prompt_words("Café noir"), (std::vector<std::string>{"café", "noir"}));
  // Em dash, non-breaking space, guillemets and the ideographic comma are separators.
  EXPECT_EQ(prompt_words("a\u2014b\u00a0c \u00abd\u00bb e\u3001f"),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
}

}  // namespace
}  // namespace shotgen::prompt
