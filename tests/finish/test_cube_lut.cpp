// The .cube parser: what Resolve, Premiere and OCIO write is read; everything else is refused
// with file:line, what is wrong, and a kind programs can branch on.
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "finish/cube_lut.h"

namespace shotgen::finish {
namespace {

// A 2x2x2 LUT that swaps red and blue, with the decorations real files carry.
const std::string kSwap =
    "# written by a grading tool\r\n"
    "TITLE \"swap red and blue\"\r\n"
    "LUT_3D_SIZE 2\r\n"
    "DOMAIN_MIN 0.0 0.0 0.0\r\n"
    "DOMAIN_MAX 1.0 1.0 1.0\r\n"
    "\r\n"
    "0 0 0\r\n"
    "0 0 1\r\n"  // r = 1: blue
    "0 1 0\r\n"
    "0 1 1\r\n"
    "1 0 0\r\n"  // b = 1: red
    "1 0 1\r\n"
    "1 1 0\r\n"
    "1 1 1\r\n";

Problem parse_error(const std::string& text) {
  try {
    parse_cube(text, "luts/look.cube");
  } catch (const Error& e) {
    return e.problem();
  }
  ADD_FAILURE() << "expected an error for:\n" << text;
  return {};
}

std::string with_line(std::string text, const std::string& old_line, const std::string& new_line) {
  text.replace(text.find(old_line), old_line.size(), new_line);
  return text;
}

TEST(CubeLut, ReadsHeaderAndDataInRedFastestOrder) {
  const CubeLut lut = parse_cube(kSwap, "luts/look.cube");
  EXPECT_EQ(lut.title, "swap red and blue");
  EXPECT_EQ(lut.size, 2);
  ASSERT_EQ(lut.table.size(), 24u);
  const float* red_corner = lut.at(1, 0, 0);
  EXPECT_EQ(red_corner[0], 0.0f);
  EXPECT_EQ(red_corner[2], 1.0f);
  const float* blue_corner = lut.at(0, 0, 1);
  EXPECT_EQ(blue_corner[0], 1.0f);
  EXPECT_EQ(blue_corner[2], 0.0f);
}

TEST(CubeLut, ResolveInputRangeSetsTheDomain) {
  const CubeLut lut = parse_cube(with_line(kSwap, "DOMAIN_MAX 1.0 1.0 1.0", "LUT_3D_INPUT_RANGE 0.0 2.0"), "x.cube");
  EXPECT_EQ(lut.domain_max[1], 2.0f);
}

TEST(CubeLut, BadNumberNamesFileLineAndValue) {
  const Problem p = parse_error(with_line(kSwap, "0 1 0\r\n", "0 1.5x 0\r\n"));
  EXPECT_EQ(p.where, "luts/look.cube:9");
  EXPECT_EQ(p.code, "malformed-lut");
  EXPECT_EQ(p.kind, ErrorKind::Corrupt);
  EXPECT_EQ(p.what, "'1.5x' is not a finite number");
  EXPECT_EQ(p.message(), "luts/look.cube:9: '1.5x' is not a finite number (one colour per line: R G B)");
}

TEST(CubeLut, MalformedLinesAreRefusedWhereTheyAre) {
  EXPECT_EQ(parse_error(with_line(kSwap, "0 1 0\r\n", "0 1\r\n")).what, "expected three numbers \"R G B\", got '0 1'");
  EXPECT_EQ(parse_error(with_line(kSwap, "0 1 0\r\n", "nan 1 0\r\n")).where, "luts/look.cube:9");
  const Problem keyword = parse_error(with_line(kSwap, "TITLE", "SHAPER"));
  EXPECT_EQ(keyword.where, "luts/look.cube:2");
  EXPECT_EQ(keyword.code, "malformed-lut");
  EXPECT_NE(keyword.what.find("unknown keyword 'SHAPER'"), std::string::npos);
  const Problem early = parse_error("0 0 0\nLUT_3D_SIZE 2\n");
  EXPECT_EQ(early.where, "luts/look.cube:1");
  EXPECT_EQ(early.what, "data before LUT_3D_SIZE");
  EXPECT_EQ(parse_error(with_line(kSwap, "DOMAIN_MAX 1.0 1.0 1.0", "DOMAIN_MAX 1.0 0.0 1.0")).where,
            "luts/look.cube:5");
  EXPECT_EQ(parse_error("TITLE \"no size\"\n").what, "no LUT_3D_SIZE line");
}

TEST(CubeLut, WrongSizesAreOfTheirOwnKind) {
  const Problem too_small = parse_error(with_line(kSwap, "LUT_3D_SIZE 2", "LUT_3D_SIZE 1"));
  EXPECT_EQ(too_small.code, "lut-wrong-size");
  EXPECT_EQ(too_small.where, "luts/look.cube:3");
  EXPECT_EQ(parse_error(with_line(kSwap, "LUT_3D_SIZE 2", "LUT_3D_SIZE 129")).code, "lut-wrong-size");
  EXPECT_EQ(parse_error(with_line(kSwap, "LUT_3D_SIZE 2", "LUT_1D_SIZE 2")).code, "lut-wrong-size");

  const Problem short_file = parse_error(with_line(kSwap, "1 1 1\r\n", ""));
  EXPECT_EQ(short_file.code, "lut-wrong-size");
  EXPECT_EQ(short_file.what, "the file ends after 7 data lines, LUT_3D_SIZE 2 needs 8");
  const Problem long_file = parse_error(kSwap + "0.5 0.5 0.5\r\n");
  EXPECT_EQ(long_file.code, "lut-wrong-size");
  EXPECT_EQ(long_file.where, "luts/look.cube:15");
}

TEST(CubeLut, IdentityMapsEveryLatticePointToItself) {
  const CubeLut lut = identity_cube(5);
  ASSERT_EQ(lut.table.size(), 3u * 125u);
  const float* p = lut.at(1, 2, 4);
  EXPECT_FLOAT_EQ(p[0], 0.25f);
  EXPECT_FLOAT_EQ(p[1], 0.5f);
  EXPECT_FLOAT_EQ(p[2], 1.0f);
}

}  // namespace
}  // namespace shotgen::finish
