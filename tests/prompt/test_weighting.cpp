#include "prompt/weighting.h"

#include <gtest/gtest.h>

namespace shotgen::prompt {
namespace {

using Runs = std::vector<WeightedRun>;

// The examples documented in webui's parse_prompt_attention.
TEST(Weighting, PlainTextIsOneRun) { EXPECT_EQ(parse_weighted_prompt("normal text"), (Runs{{"normal text", 1.0}})); }

TEST(Weighting, RoundBracketsMultiplyByOnePointOne) {
  EXPECT_EQ(parse_weighted_prompt("an (important) word"),
            (Runs{{"an ", 1.0}, {"important", 1.1}, {" word", 1.0}}));
}

TEST(Weighting, UnclosedRoundBracketWeightsTheRest) {
  EXPECT_EQ(parse_weighted_prompt("(unbalanced"), (Runs{{"unbalanced", 1.1}}));
}

TEST(Weighting, EscapesGiveLiteralBrackets) {
  EXPECT_EQ(parse_weighted_prompt("\\(literal\\]"), (Runs{{"(literal]", 1.0}}));
  EXPECT_EQ(parse_weighted_prompt("a \\[b\\) \\\\ c"), (Runs{{"a [b) \\ c", 1.0}}));
}

TEST(Weighting, AdjacentRunsOfEqualWeightMerge) {
  EXPECT_EQ(parse_weighted_prompt("(unnecessary)(parens)"), (Runs{{"unnecessaryparens", 1.1}}));
}

TEST(Weighting, NestingExplicitWeightsAndUnclosedOuterBracket) {
  // Weights must equal webui's to the last bit: 1.3 * 1.1 * 1.1 multiplied in that order.
  auto runs = parse_weighted_prompt("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).");
  Runs expected = {{"a ", 1.0},  {"house", 1.5730000000000004}, {" ", 1.1},
                   {"on", 1.0},  {" a ", 1.1},                  {"hill", 0.55},
                   {", sun, ", 1.1}, {"sky", 1.4641000000000006}, {".", 1.1}};
  ASSERT_EQ(runs.size(), expected.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].text, expected[i].text) << i;
    EXPECT_EQ(runs[i].weight, expected[i].weight) << i;  // exact, not approximately
  }
}

TEST(Weighting, SquareBracketsDivideByOnePointOne) {
  auto runs = parse_weighted_prompt("[soft]");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].weight, 1.0 / 1.1);
  EXPECT_EQ(parse_weighted_prompt("[[x]]")[0].weight, (1.0 / 1.1) * (1.0 / 1.1));
}

TEST(Weighting, ExplicitWeightAllowsSpacesAndSigns) {
  EXPECT_EQ(parse_weighted_prompt("(fog: 1.5 )"), (Runs{{"fog", 1.5}}));
  EXPECT_EQ(parse_weighted_prompt("(fog:+0.5)"), (Runs{{"fog", 0.5}}));
}

TEST(Weighting, UnmatchedClosersAreLiteralText) {
  EXPECT_EQ(parse_weighted_prompt("a) b] c"), (Runs{{"a) b] c", 1.0}}));
  EXPECT_EQ(parse_weighted_prompt("fog:1.3) x"), (Runs{{"fog:1.3) x", 1.0}}));
}

TEST(Weighting, ColonWithoutWeightIsText) {
  EXPECT_EQ(parse_weighted_prompt("(ratio 2:x)"), (Runs{{"ratio 2:x", 1.1}}));
  // As in webui, ":1)" is a weight even after a digit: the "(" gets weight 1.
  EXPECT_EQ(parse_weighted_prompt("(ratio 2:1)"), (Runs{{"ratio 2", 1.0}}));
}

TEST(Weighting, MalformedNumberIsText) {
  EXPECT_EQ(parse_weighted_prompt("(a:1.2.3)"), (Runs{{"a:1.2.3)", 1.1}}));
}

TEST(Weighting, UnclosedSquareBracketDividesTheRest) {
  EXPECT_EQ(parse_weighted_prompt("a [b"), (Runs{{"a ", 1.0}, {"b", 1.0 / 1.1}}));
}

TEST(Weighting, ClosingRoundDoesNotCloseSquare) {
  // "]" closes only "[": here ")" closes nothing and stays literal inside the square run.
  EXPECT_EQ(parse_weighted_prompt("[a)]"), (Runs{{"a)", 1.0 / 1.1}}));
}

TEST(Weighting, LoneBackslashIsDroppedAsInWebui) {
  EXPECT_EQ(parse_weighted_prompt("a\\b"), (Runs{{"ab", 1.0}}));
}

TEST(Weighting, NothingLeftGivesOneEmptyRunOfWeightOne) {
  // webui: `if len(res) == 0: res = [["", 1.0]]`.
  for (const char* text : {"", "(", "()", "[", "[]", "(:1.5)", "\\"})
    EXPECT_EQ(parse_weighted_prompt(text), (Runs{{"", 1.0}})) << text;
  EXPECT_EQ(strip_weighting("("), "");
}

TEST(Weighting, WeightsAreClampedToTheDocumentedRange) {
  const std::string thousand_open(1000, '('), thousand_close(1000, ')');
  EXPECT_EQ(parse_weighted_prompt(thousand_open + "glow" + thousand_close), (Runs{{"glow", kMaxPromptWeight}}));
  EXPECT_EQ(parse_weighted_prompt(thousand_open + "glow"), (Runs{{"glow", kMaxPromptWeight}}));  // unclosed
  const double dim = parse_weighted_prompt(std::string(1000, '[') + "dim")[0].weight;
  EXPECT_GT(dim, kMinPromptWeight);
  EXPECT_LT(dim, 1e-40);
  EXPECT_EQ(parse_weighted_prompt("(fog:-0.5)"), (Runs{{"fog", kMinPromptWeight}}));
  EXPECT_EQ(parse_weighted_prompt("(fog:99999999999999999999)"), (Runs{{"fog", kMaxPromptWeight}}));
  // An overflowing product times 0 is 0, not NaN.
  auto runs = parse_weighted_prompt("(((x:" + std::string(300, '9') + "):" + std::string(300, '9') + "):0)");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].weight, 0.0);
  // The JSON never holds null (a non-finite number).
  EXPECT_EQ(format_runs_json(parse_weighted_prompt(thousand_open + "x")), R"([["x",10.0]])");
  // Up to 24 nested brackets (1.1^24 = 9.85) nothing changes.
  double webui = 1.0;
  for (int i = 0; i < 24; ++i) webui *= 1.1;
  EXPECT_EQ(parse_weighted_prompt(std::string(24, '(') + "x")[0].weight, webui);
}

TEST(Weighting, StripWeightingKeepsOnlyText) {
  EXPECT_EQ(strip_weighting("a ((house:1.3)) [on] \\(b\\)"), "a house on (b)");
}

TEST(Weighting, EscapeWeightingRoundTrips) {
  std::string raw = "board (v2) [final] \\ x";
  auto runs = parse_weighted_prompt(escape_weighting(raw));
  EXPECT_EQ(runs, (Runs{{raw, 1.0}}));
}

TEST(Weighting, FormatsRunsAsJsonPairs) {
  EXPECT_EQ(format_runs_json(parse_weighted_prompt("an (important) word")),
            R"([["an ",1.0],["important",1.1],[" word",1.0]])");
  EXPECT_EQ(format_runs_json({}), "[]");
  EXPECT_EQ(format_runs_json({{"say \"hi\"", 0.55}}), R"([["say \"hi\"",0.55]])");
}

}  // namespace
}  // namespace shotgen::prompt
