#include "core/nearest_name.h"

#include <gtest/gtest.h>

namespace shotgen {
namespace {

TEST(NearestName, PicksSmallestEditDistance) {
  EXPECT_EQ(nearest_name("s1_03", {"s2_01", "s1_3", "s1_02"}), "s1_3");
  EXPECT_EQ(nearest_name("s1_03", {"s1_01", "s2_03"}), "s1_01");  // tie: the earliest
  EXPECT_EQ(nearest_name("harbr", {"palette_board", "harbor"}), "harbor");
  EXPECT_EQ(nearest_name("HARBOR", {"x", "harbor"}), "harbor");
}

TEST(NearestName, NoCandidates) {
  EXPECT_FALSE(nearest_name("a", {}).has_value());
  EXPECT_EQ(did_you_mean("a", {}, "add one"), "add one");
  EXPECT_EQ(did_you_mean("shot1", {"shot_1"}, "add one"), "did you mean 'shot_1'?");
}

}  // namespace
}  // namespace shotgen

namespace shotgen {
namespace {

TEST(NearestName, TranspositionIsOneEdit) {
  EXPECT_EQ(edit_distance("fsp", "fps"), 1u);
  EXPECT_EQ(edit_distance("Lightning", "lighting"), 1u);
  auto match = nearest_match("lightning", {"lens", "lighting"});
  ASSERT_TRUE(match.has_value());
  EXPECT_TRUE(is_plausible_typo("lightning", *match));
  EXPECT_FALSE(is_plausible_typo("zzz", *nearest_match("zzz", {"palette"})));
}

}  // namespace
}  // namespace shotgen
