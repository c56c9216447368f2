// A clip finished outside a film (generate, model eval): the passes asked, decided on the frames as
// drawn, in the Finisher's order; nothing asked, the clip as drawn.
#include <gtest/gtest.h>

#include "finish/clip_finishing.h"
#include "finish/deflicker.h"
#include "finish/palette_lock.h"
#include "finish/palette_match.h"
#include "finish/reframe.h"
#include "finish/style_texture.h"
#include "finish_fixtures.h"
#include "world/world.h"

namespace shotgen::finish {
namespace {

using testing::drawn_camera_move;
using testing::drawn_palette;
using testing::drawn_style;

constexpr const char* kPrompt = "flat 2D animation, monochrome, push in, night";

// A static, painterly, green night: it misses the prompt's style, palette and move.
Clip drawn_clip() {
  world::ClipAttributes a;
  a.style = world::Style::Painterly;
  a.palette = world::Palette::GreenTones;
  a.lighting = world::Lighting::Night;
  a.camera = world::CameraMove::Static;
  a.atmosphere = world::Atmosphere::Clear;
  return world::render_clip(a, 8, 64, 32, 17);
}

TEST(ClipFinishing, NothingAskedLeavesTheClipAsDrawn) {
  const Clip clip = drawn_clip();
  const FinishedClip out = finish_clip(clip, kPrompt, 3, {});
  EXPECT_EQ(out.clip, clip);
  EXPECT_EQ(out.decisions, FinishDecisions{});
}

TEST(ClipFinishing, DecidesOnTheDrawnFramesAndRunsTheFinishersOrder) {
  const Clip clip = drawn_clip();
  ASSERT_EQ(drawn_palette(clip), world::Palette::GreenTones);
  ASSERT_EQ(drawn_camera_move(clip), world::CameraMove::Static);
  const ClipFinishing all{.deflicker = 1, .style_texture = true, .palette_match = true, .palette_lock = 0.5, .reframe = 1.3};
  const FinishedClip out = finish_clip(clip, kPrompt, 3, all);
  const FinishDecisions expected{digital_move(kPrompt, world::CameraMove::Static),
                                 texture_style(kPrompt, drawn_style(clip)), world::Palette::Monochrome};
  EXPECT_EQ(out.decisions, expected);
  ASSERT_TRUE(out.decisions.reframe && out.decisions.palette);

  Clip by_hand = deflicker(clip, 1.0f);
  if (expected.texture) by_hand = draw_style_texture(by_hand, *expected.texture, 3);
  by_hand = match_palette(by_hand, world::Palette::Monochrome, 3);
  const auto tones = palette_tones("monochrome");
  ASSERT_TRUE(tones);
  for (Image& frame : by_hand.frames) palette_lock_reference(frame, *tones, 0.5f);
  by_hand = reframe_clip(by_hand, world::CameraMove::PushIn, 1.3f);
  EXPECT_EQ(out.clip, by_hand);
}

TEST(ClipFinishing, ThePaletteLockPullsOnlyTowardAPaletteThePromptNames) {
  const Clip clip = drawn_clip();
  EXPECT_EQ(finish_clip(clip, "a harbor at night", 3, {.palette_lock = 1}).clip, clip);
  EXPECT_NE(finish_clip(clip, "a harbor at night, warm palette", 3, {.palette_lock = 1}).clip, clip);
}

}  // namespace
}  // namespace shotgen::finish
