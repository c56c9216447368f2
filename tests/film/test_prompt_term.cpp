#include "film/prompt_term.h"

#include <gtest/gtest.h>

using shotgen::film::normalize_term;

TEST(PromptTerm, CaseAndWhitespaceDoNotMakeADifferentTerm) {
  EXPECT_EQ(normalize_term("  Merged \t FACES "), "merged faces");
  EXPECT_EQ(normalize_term("  Hand-Painted\n\tLOOK  "), "hand-painted look");
  EXPECT_EQ(normalize_term("extra limbs"), normalize_term("EXTRA\r\nLimbs"));
}

TEST(PromptTerm, PunctuationAndWordsStillDistinguishTerms) {
  EXPECT_NE(normalize_term("extra limbs"), normalize_term("extra-limbs"));
  EXPECT_NE(normalize_term("blur"), normalize_term("blurry"));
  EXPECT_EQ(normalize_term("Ümlaut"), "Ümlaut");  // non-ASCII bytes untouched
  EXPECT_EQ(normalize_term(" \t\n"), "");
}
