#include "media/contact_sheet.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "media/media_fixtures.h"

namespace shotgen::media {
namespace {

bool has_ink(const Image& sheet, int x0, int y0, int width, int height) {
  for (int y = y0; y < y0 + height; ++y) {
    for (int x = x0; x < x0 + width; ++x) {
      if (sheet.pixel(x, y)[0] > 200) return true;
    }
  }
  return false;
}

TEST(ContactSheet, GridSizeFollowsPostersAndColumns) {
  std::vector<std::pair<std::string, Image>> posters;
  for (int i = 0; i < 5; ++i) posters.emplace_back("s0" + std::to_string(i), testing::solid(96, 54, 0, 0, 90));
  const Image sheet = contact_sheet(posters, 3);
  const ContactSheetLayout layout = contact_sheet_layout(5, 3, 96, 54);
  EXPECT_EQ(layout.columns, 3);
  EXPECT_EQ(layout.rows, 2);
  EXPECT_EQ(sheet.width, 8 + 3 * (96 + 8));
  EXPECT_EQ(sheet.height, 8 + 2 * (54 + layout.label_height + 8));
  EXPECT_EQ(sheet.width, layout.width);
  EXPECT_EQ(sheet.height, layout.height);
  // The poster is copied into its cell.
  EXPECT_EQ(sheet.pixel(8 + 104 + 40, 8 + 20)[2], 90);
}

TEST(ContactSheet, LargePostersAreShrunkAndFewPostersUseFewColumns) {
  std::vector<std::pair<std::string, Image>> posters = {{"a", testing::solid(512, 256, 10, 10, 10)}};
  const Image sheet = contact_sheet(posters, 4);
  EXPECT_EQ(sheet.width, 8 + 256 + 8);
  const ContactSheetLayout layout = contact_sheet_layout(1, 4, 512, 256);
  EXPECT_EQ(layout.thumb_height, 128);
  EXPECT_EQ(sheet.height, 8 + 128 + layout.label_height + 8);
}

TEST(ContactSheet, LabelsAreDrawnUnderTheirPoster) {
  std::vector<std::pair<std::string, Image>> posters = {{"s01_intro-2", testing::solid(64, 32, 0, 0, 0)},
                                                        {"", testing::solid(64, 32, 0, 0, 0)}};
  const Image sheet = contact_sheet(posters, 2);
  const ContactSheetLayout layout = contact_sheet_layout(2, 2, 64, 32);
  const int label_top = 8 + 32;
  EXPECT_TRUE(has_ink(sheet, 8, label_top, 64, layout.label_height));
  EXPECT_FALSE(has_ink(sheet, 8 + 72, label_top, 64, layout.label_height));  // empty label
  EXPECT_FALSE(has_ink(sheet, 8, 8, 64, 32));                                 // poster untouched
}

TEST(ContactSheet, NothingToShowIsAnError) {
  EXPECT_THROW(contact_sheet({}, 3), Error);
  EXPECT_THROW(contact_sheet({{"a", testing::solid(4, 4, 0, 0, 0)}}, 0), Error);
}

}  // namespace
}  // namespace shotgen::media
