#pragma once
// A film built in code that exercises every stored field, shared by the db tests.
#include <string>

#include "film/film.h"

namespace shotgen::testing {

inline film::Shot sample_shot(std::string id, std::string action) {
  film::Shot shot;
  shot.id = std::move(id);
  shot.action = std::move(action);
  return shot;
}

inline film::Film sample_film() {
  using film::LookField;
  film::Film f;
  f.info.title = "The Lantern Keeper";
  f.info.fps = 12;
  f.info.resolution = {512, 256};
  f.info.default_shot_duration = 1.5;
  f.info.seed_policy = film::SeedPolicy::PerShot;
  f.info.base_seed = 7;
  f.style.text = "This MUST look like hand-painted 2D animation, not live action.";
  f.negative.format = {"live action", "photorealistic", "3D render"};
  f.negative.anatomy = {"extra fingers", "merged faces"};
  f.negative.quality = {"blurry", "watermark", "text"};
  f.negative.extra = {"lens dirt"};
  f.look.get(LookField::Lighting) = "golden hour";
  f.look.get(LookField::Palette) = "warm";
  f.references.push_back({"palette_board", "references/palette_board.png", {"palette"}, {"lighting", "background"},
                          "warm amber colours", ""});
  f.render.size = {64, 32};
  f.render.steps = 12;
  f.render.guidance = 4.5;
  f.routing.rules.push_back({"hero", std::nullopt, std::nullopt, std::nullopt, {"final"}, ""});
  f.routing.rules.push_back({std::nullopt, "rooftops", std::nullopt, "draft", {"turbo", "final"}, ""});

  film::Scene harbor;
  harbor.id = "harbor";
  harbor.title = "The Harbor at Dusk";
  harbor.look.get(LookField::Atmosphere) = "light fog";
  harbor.negative = {"crowds"};
  auto h1 = sample_shot("harbor_01", "a young lamplighter walks along the harbor wall");
  h1.duration = 2.0;
  h1.look.get(LookField::CameraMove) = "pan right";
  h1.references = {"palette_board"};
  h1.tags = {"hero"};
  auto h2 = sample_shot("harbor_02", "the lantern flickers in the wind");
  h2.negative = {"sparks"};
  h2.seed = 9'000'000'000'000'000'000ull;  // large, yet within a TOML integer
  h2.takes = 3;
  h2.transition = film::Transition::Crossfade;
  h2.transition_seconds = 0.75;
  h2.route = "turbo";
  harbor.shots = {h1, h2};

  film::Scene rooftops;
  rooftops.id = "rooftops";
  rooftops.title = "Snow on the Rooftops";
  rooftops.shots = {sample_shot("roof_01", "a thief runs across snowy rooftops"),
                    sample_shot("roof_02", "the two meet under a lantern")};
  f.scenes = {harbor, rooftops};
  return f;
}

}  // namespace shotgen::testing
