// shotgen world sample + shotgen analyze, as a user runs them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using namespace shotgen::testing;

TEST(WorldAnalyzeCli, SampleWritesFramesCaptionAndAttributesThatAnalyzeReadsBack) {
  TempDir dir;
  const auto out = dir.path() / "clip";
  const auto sample = run_shotgen({"world", "sample", "--seed", "12", "--frames", "8", "--size", "64x32", "--out",
                                   out.string()});
  ASSERT_EQ(sample.exit_code, 0) << sample.err;
  for (int t = 0; t < 8; ++t) EXPECT_TRUE(std::filesystem::exists(out / ("frame_000" + std::to_string(t) + ".png")));
  const auto info = nlohmann::json::parse(read_text(out / "attributes.json"));
  EXPECT_EQ(info.at("width"), 64);
  EXPECT_EQ(read_text(out / "caption.txt"), info.at("caption").get<std::string>() + "\n");

  const auto analysis = run_shotgen({"analyze", out.string(), "--json"});
  ASSERT_EQ(analysis.exit_code, 0) << analysis.err;
  const auto j = nlohmann::json::parse(analysis.out);
  EXPECT_EQ(j.at("frames"), 8);
  EXPECT_EQ(j.at("palette").at("class"), info.at("attributes").at("palette"));
  EXPECT_EQ(j.at("camera").at("class"), info.at("attributes").at("camera"));

  const auto text = run_shotgen({"analyze", out.string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("palette:"), std::string::npos);
}

TEST(WorldAnalyzeCli, BadInputIsOneClearErrorLine) {
  TempDir dir;
  const auto missing = run_shotgen({"analyze", (dir.path() / "nope").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no such clip"), std::string::npos) << missing.err;

  const auto empty = run_shotgen({"analyze", dir.path().string()});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("no frame_*.png"), std::string::npos) << empty.err;

  const auto size = run_shotgen({"world", "sample", "--size", "64by32", "--out", (dir.path() / "x").string()});
  EXPECT_EQ(size.exit_code, 2);
  EXPECT_NE(size.err.find("--size"), std::string::npos) << size.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x"));
}
