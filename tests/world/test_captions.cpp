#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "world/captions.h"
#include "world/sample.h"

using namespace shotgen;
using namespace shotgen::world;

TEST(Captions, AboutTenPercentEmptyAndSectionsInAssemblerOrder) {
  Rng rng(5);
  int empty = 0;
  const int n = 4000;
  int dropped = 0, offered = 0;
  for (int i = 0; i < n; ++i) {
    const ClipAttributes a = sample_attributes(rng);
    const auto parts = caption_parts(a, rng);
    if (parts.empty()) {
      ++empty;
      continue;
    }
    offered += 9;
    dropped += 9 - static_cast<int>(parts.size());
    for (std::size_t k = 1; k < parts.size(); ++k) EXPECT_LT(parts[k - 1].section, parts[k].section);
  }
  EXPECT_NEAR(empty / double(n), 0.10, 0.02);
  EXPECT_NEAR(dropped / double(offered), 0.20, 0.02);
}

TEST(Captions, WordsNameTheClipsAttributes) {
  Rng rng(8);
  for (int i = 0; i < 2000; ++i) {
    const ClipAttributes a = sample_attributes(rng);
    for (const auto& part : caption_parts(a, rng)) {
      const std::string& t = part.text;
      switch (part.section) {
        case CaptionSection::Style: EXPECT_EQ(style_from_words(t), a.style) << t; break;
        case CaptionSection::Action: EXPECT_EQ(characters_from_words(t), a.characters) << t; break;
        case CaptionSection::Camera: EXPECT_EQ(camera_move_from_words(t), a.camera) << t; break;
        case CaptionSection::Lens: EXPECT_EQ(lens_from_words(t), a.lens) << t; break;
        case CaptionSection::Lighting: EXPECT_EQ(lighting_from_words(t), a.lighting) << t; break;
        case CaptionSection::Palette: EXPECT_EQ(palette_from_words(t), a.palette) << t; break;
        case CaptionSection::Composition: EXPECT_EQ(composition_from_words(t), a.composition) << t; break;
        case CaptionSection::Atmosphere: EXPECT_EQ(atmosphere_from_words(t), a.atmosphere) << t; break;
        case CaptionSection::Mood: EXPECT_EQ(mood_from_words(t), a.mood) << t; break;
      }
    }
    // The joined caption parses to the same attributes wherever a section survived.
    const std::string caption = caption_for(a, rng);
    if (auto p = palette_from_words(caption)) {
      EXPECT_EQ(*p, a.palette) << caption;
    }
    if (auto s = style_from_words(caption)) {
      EXPECT_EQ(*s, a.style) << caption;
    }
    if (auto m = camera_move_from_words(caption)) {
      EXPECT_EQ(*m, a.camera) << caption;
    }
  }
}

TEST(Captions, NonPhotorealStylesSometimesCarryTheNegatedPhrasing) {
  Rng rng(2);
  ClipAttributes a;
  a.style = Style::Flat2D;
  int negated = 0;
  for (int i = 0; i < 500; ++i)
    negated += caption_for(a, rng).find("not live action, not photorealistic") != std::string::npos;
  EXPECT_GT(negated, 100);
  EXPECT_LT(negated, 300);
  a.style = Style::Photoreal;
  for (int i = 0; i < 200; ++i) EXPECT_EQ(caption_for(a, rng).find("not photorealistic"), std::string::npos);
}

TEST(Captions, ReferenceSharesExactlyTheChosenDimensions) {
  Rng rng(13);
  std::set<std::size_t> subset_sizes;
  for (int i = 0; i < 200; ++i) {
    const ClipAttributes target = sample_attributes(rng);
    const ReferenceExample ref = make_reference(target, 32, 16, rng);
    ASSERT_FALSE(ref.shared.empty());
    subset_sizes.insert(ref.shared.size());
    auto shares = [&](ReferenceDimension d) {
      return std::find(ref.shared.begin(), ref.shared.end(), d) != ref.shared.end();
    };
    EXPECT_EQ(ref.attributes.palette == target.palette, shares(ReferenceDimension::Palette));
    EXPECT_EQ(ref.attributes.lighting == target.lighting, shares(ReferenceDimension::Lighting));
    EXPECT_EQ(ref.attributes.style == target.style, shares(ReferenceDimension::Texture));
    EXPECT_EQ(ref.attributes.composition == target.composition, shares(ReferenceDimension::Composition));
    EXPECT_EQ(ref.image.width, 32);
    EXPECT_EQ(ref.image.height, 16);
  }
  EXPECT_EQ(subset_sizes.size(), 4u);  // single dimensions up to all four
}

TEST(Sample, DeterministicFromSeed) {
  int with_reference = 0;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    const WorldSample a = sample(seed, 8, 64, 32);
    const WorldSample b = sample(seed, 8, 64, 32);
    EXPECT_EQ(a.clip, b.clip);
    EXPECT_EQ(a.caption, b.caption);
    EXPECT_EQ(a.attributes, b.attributes);
    ASSERT_EQ(a.reference.has_value(), b.reference.has_value());
    if (a.reference) {
      EXPECT_EQ(a.reference->image, b.reference->image);
    }
    with_reference += a.reference.has_value();
  }
  EXPECT_GT(with_reference, 8);
  EXPECT_LT(with_reference, 32);
}
