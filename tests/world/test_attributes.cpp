#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "world/attributes.h"
#include "world/captions.h"

using namespace shotgen::world;

TEST(Attributes, StyleSamplingPullsTowardPhotoreal) {
  Rng rng(7);
  std::map<Style, int> counts;
  const int n = 6000;
  for (int i = 0; i < n; ++i) counts[sample_attributes(rng).style]++;
  EXPECT_NEAR(counts[Style::Photoreal] / double(n), 0.70, 0.03);
  EXPECT_NEAR(counts[Style::Flat2D] / double(n), 0.15, 0.02);
  EXPECT_NEAR(counts[Style::Painterly] / double(n), 0.15, 0.02);
}

TEST(Attributes, OtherDimensionsAreUniformAndMoodIsDerived) {
  Rng rng(11);
  std::map<Palette, int> palettes;
  std::map<CameraMove, int> moves;
  const int n = 6000;
  for (int i = 0; i < n; ++i) {
    const ClipAttributes a = sample_attributes(rng);
    palettes[a.palette]++;
    moves[a.camera]++;
    EXPECT_EQ(a.mood, mood_for(a.lighting, a.palette, a.atmosphere));
  }
  for (Palette p : kPalettes) EXPECT_NEAR(palettes[p] / double(n), 1.0 / 6, 0.025) << word(p);
  for (CameraMove m : kCameraMoves) EXPECT_NEAR(moves[m] / double(n), 1.0 / 7, 0.025) << word(m);
}

TEST(Attributes, MoodFollowsCombinations) {
  EXPECT_EQ(mood_for(Lighting::Night, Palette::Cool, Atmosphere::Fog), Mood::Eerie);
  EXPECT_EQ(mood_for(Lighting::GoldenHour, Palette::Warm, Atmosphere::Clear), Mood::Nostalgic);
  EXPECT_EQ(mood_for(Lighting::HighKey, Palette::Pastel, Atmosphere::Clear), Mood::Cheerful);
  EXPECT_EQ(mood_for(Lighting::LowKey, Palette::Warm, Atmosphere::Rain), Mood::Tense);
  EXPECT_EQ(mood_for(Lighting::HighKey, Palette::Cool, Atmosphere::Rain), Mood::Melancholic);
  EXPECT_EQ(mood_for(Lighting::HighKey, Palette::Cool, Atmosphere::Clear), Mood::Calm);
}

TEST(Attributes, EveryPhrasingParsesBackToItsValue) {
  for (Palette p : kPalettes)
    for (auto phrase : phrasings(p)) EXPECT_EQ(palette_from_words(phrase), p) << phrase;
  for (Style s : kStyles)
    for (auto phrase : phrasings(s)) EXPECT_EQ(style_from_words(phrase), s) << phrase;
  for (CameraMove m : kCameraMoves)
    for (auto phrase : phrasings(m)) EXPECT_EQ(camera_move_from_words(phrase), m) << phrase;
  for (Lighting l : kLightings)
    for (auto phrase : phrasings(l)) EXPECT_EQ(lighting_from_words(phrase), l) << phrase;
  for (Characters c : kCharacters)
    for (auto phrase : phrasings(c)) EXPECT_EQ(characters_from_words(phrase), c) << phrase;
  for (Composition c : kCompositions)
    for (auto phrase : phrasings(c)) EXPECT_EQ(composition_from_words(phrase), c) << phrase;
  for (Atmosphere c : kAtmospheres)
    for (auto phrase : phrasings(c)) EXPECT_EQ(atmosphere_from_words(phrase), c) << phrase;
  for (Lens c : kLenses)
    for (auto phrase : phrasings(c)) EXPECT_EQ(lens_from_words(phrase), c) << phrase;
  for (Mood c : kMoods)
    for (auto phrase : phrasings(c)) EXPECT_EQ(mood_from_words(phrase), c) << phrase;
}

TEST(Attributes, ScriptWordsForTheCastAreReadButNeverCaptioned) {
  EXPECT_EQ(characters_from_words("one character, a young lamplighter, walks"), Characters::One);
  EXPECT_EQ(characters_from_words("two characters face each other"), Characters::Two);
  EXPECT_EQ(characters_from_words("not two characters"), std::nullopt);
  for (Characters c : kCharacters)
    for (auto phrase : phrasings(c)) EXPECT_EQ(std::string(phrase).find("character"), std::string::npos) << phrase;
}

TEST(Attributes, AFilmsBareLookPaletteIsReadButNeverCaptioned) {
  // The assembler writes a shot's [look] palette as film.toml gives it: "warm", "cool".
  EXPECT_EQ(palette_from_words("walks along the harbor wall. pan right, golden hour, warm, clear"), Palette::Warm);
  EXPECT_EQ(palette_from_words("hides in a doorway. low-key, cool, rain"), Palette::Cool);
  EXPECT_EQ(palette_from_words("teal and orange, a warm night"), Palette::TealOrange);  // the earliest mention
  EXPECT_EQ(palette_from_words("a warmhearted scene, not cool"), std::nullopt);
  for (Palette p : kPalettes)
    for (auto phrase : phrasings(p)) EXPECT_TRUE(phrase != "warm" && phrase != "cool") << phrase;
}

TEST(Attributes, PropsAScriptNamesAreReadAsWholeWordsNegationsSkipped) {
  using Props = std::vector<Prop>;
  EXPECT_EQ(props_from_words("the lamplighter raises the lantern below the lighthouse"),
            (Props{Prop::Lantern, Prop::Lighthouse}));
  EXPECT_EQ(props_from_words("Lanterns swing in the wind"), Props{Prop::Lantern});
  EXPECT_EQ(props_from_words("a young lamplighter walks"), Props{});  // whole words only
  EXPECT_EQ(props_from_words("no lantern, only the lighthouse"), Props{Prop::Lighthouse});
  EXPECT_EQ(word(Prop::Lighthouse), "lighthouse");
  // Never in a world caption: the training clips' words stay as they were.
  Rng rng(11);
  for (int i = 0; i < 200; ++i) {
    const ClipAttributes a = sample_attributes(rng);
    EXPECT_EQ(props_from_words(caption_for(a, rng)), Props{});
  }
}

TEST(Attributes, ParsingFindsWordsInPromptsAndSkipsNegations) {
  const std::string prompt =
      "This MUST look like Arcane animation, flat 2D animation, not live action, not photorealistic, two figures "
      "walking, Camera pans LEFT, Teal and Orange, night, fog";
  EXPECT_EQ(style_from_words(prompt), Style::Flat2D);
  EXPECT_EQ(palette_from_words(prompt), Palette::TealOrange);
  EXPECT_EQ(camera_move_from_words(prompt), CameraMove::PanLeft);
  EXPECT_EQ(characters_from_words(prompt), Characters::Two);
  EXPECT_EQ(lighting_from_words(prompt), Lighting::Night);
  EXPECT_EQ(atmosphere_from_words(prompt), Atmosphere::Fog);
  EXPECT_EQ(style_from_words("not photorealistic, no live action"), std::nullopt);
  EXPECT_EQ(palette_from_words("a warmhearted scene"), std::nullopt);  // whole words only
  EXPECT_EQ(lens_from_words("a field at dusk"), std::nullopt);
}

TEST(Attributes, JsonUsesCanonicalWords) {
  ClipAttributes a;
  a.palette = Palette::GreenTones;
  a.camera = CameraMove::PushIn;
  const auto j = to_json(a);
  EXPECT_EQ(j.at("palette"), "green tones");
  EXPECT_EQ(j.at("camera"), "push in");
  EXPECT_EQ(j.size(), 9u);
}
