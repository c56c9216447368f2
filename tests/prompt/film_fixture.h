#pragma once
// A small film built in code (no TOML loader needed) shared by the prompt tests.
#include "film/film.h"

namespace shotgen::prompt::testing {

inline constexpr const char* kStyle =
    "This MUST look and feel like Arcane animation — not live action, not photorealistic. "
    "Every surface has hand-painted brushstroke texture";

inline film::Shot make_shot(std::string id, std::string action) {
  film::Shot shot;
  shot.id = std::move(id);
  shot.action = std::move(action);
  return shot;
}

// Film look: static, 35mm, low-key, teal and orange, melancholic, attribution.
// Scene s1 overrides palette and adds negatives; shot a1 overrides lighting, adds negatives and
// uses reference "board" (palette used; lighting and background ignored).
inline film::Film make_film() {
  film::Film f;
  f.info.title = "Rooftops";
  f.style.text = kStyle;
  f.negative.format = {"live action", "photorealistic", "3D render"};
  f.negative.anatomy = {"extra fingers", "deformed hands", "merged faces", "duplicate characters"};
  f.negative.quality = {"blurry", "low detail", "watermark"};
  f.look.get(film::LookField::CameraMove) = "static";
  f.look.get(film::LookField::Lens) = "35mm";
  f.look.get(film::LookField::Lighting) = "low-key, warm practicals";
  f.look.get(film::LookField::Palette) = "teal and orange";
  f.look.get(film::LookField::Mood) = "melancholic";
  f.look.get(film::LookField::Attribution) = "in the style of a 1970s western";
  film::Reference board;
  board.id = "board";
  board.image = "refs/board.png";
  board.use = {"palette"};
  board.ignore = {"lighting", "background"};
  f.references.push_back(board);

  film::Scene s1;
  s1.id = "s1";
  s1.look.get(film::LookField::Palette) = "cool blues";
  s1.negative = {"Blurry ", "rain"};
  auto a1 = make_shot("a1", "A girl runs across the rooftop");
  a1.look.get(film::LookField::Lighting) = "night, moonlit";
  a1.negative = {"  RAIN", "crowd"};
  a1.references = {"board"};
  s1.shots.push_back(a1);
  s1.shots.push_back(make_shot("a2", "She stops at the edge"));
  film::Scene s2;
  s2.id = "s2";
  s2.shots.push_back(make_shot("b1", "The city lights flicker below"));
  f.scenes = {s1, s2};
  return f;
}

}  // namespace shotgen::prompt::testing
