// The reframe: a digital camera move drawn by moving the upscale's crop window. Its windows stay
// inside the picture and move the way the world's cameras do (the analyzer reads every move off a
// static world clip reframed), it never moves a shot the model drew moving, and the Finisher draws
// it into the upscale on the CPU and on Vulkan alike.
#include <gtest/gtest.h>

#include <cmath>

#include "finish/finisher.h"
#include "finish/reframe.h"
#include "finish_fixtures.h"
#include "world/world.h"

namespace shotgen::finish {
namespace {

using world::CameraMove;
using testing::drawn_camera_move;
using testing::max_difference;

// A world clip the camera does not move in, clear air (nothing moves on its own but figures).
Clip static_world_clip(int frames, std::uint64_t seed) {
  world::ClipAttributes a;
  a.camera = CameraMove::Static;
  a.atmosphere = world::Atmosphere::Clear;
  return world::render_clip(a, frames, 128, 64, seed);
}

TEST(Reframe, WindowsRunFromTheDrawnFrameToTheZoomAndStayInside) {
  EXPECT_EQ(reframe_window(CameraMove::Static, 1.3f, 3, 8), CropWindow{});
  EXPECT_EQ(reframe_window(CameraMove::PushIn, 1.3f, 0, 1), CropWindow{});  // one frame: nothing to move
  EXPECT_FLOAT_EQ(reframe_window(CameraMove::PushIn, 1.3f, 0, 8).zoom, 1.0f);
  EXPECT_FLOAT_EQ(reframe_window(CameraMove::PushIn, 1.3f, 7, 8).zoom, 1.3f);
  EXPECT_FLOAT_EQ(reframe_window(CameraMove::PullOut, 1.3f, 0, 8).zoom, 1.3f);
  EXPECT_FLOAT_EQ(reframe_window(CameraMove::PullOut, 1.3f, 7, 8).zoom, 1.0f);
  // Constant speed: every frame scales by the same factor.
  const float step = reframe_window(CameraMove::PushIn, 1.3f, 1, 8).zoom;
  EXPECT_FLOAT_EQ(reframe_window(CameraMove::PushIn, 1.3f, 5, 8).zoom / reframe_window(CameraMove::PushIn, 1.3f, 4, 8).zoom,
                  step);
  // A pan left moves the window left (the content moves right), across the whole margin.
  const float margin = (1 - 1 / 1.3f) / 2;
  EXPECT_FLOAT_EQ(reframe_window(CameraMove::PanLeft, 1.3f, 0, 8).offset_x, margin);
  EXPECT_FLOAT_EQ(reframe_window(CameraMove::PanLeft, 1.3f, 7, 8).offset_x, -margin);
  EXPECT_FLOAT_EQ(reframe_window(CameraMove::TiltDown, 1.3f, 0, 8).offset_y, -margin);

  const UpscaleGeometry fitted = upscale_geometry(128, 64, 1280, 720, film::FrameFit::Crop);
  EXPECT_EQ(within_window(fitted, {}), fitted);
  for (const CameraMove move : world::kCameraMoves)
    for (std::size_t frame = 0; frame < 16; ++frame) {
      const UpscaleGeometry g = within_window(fitted, reframe_window(move, 2.0f, frame, 16));
      SCOPED_TRACE(std::string(world::word(move)) + " frame " + std::to_string(frame));
      EXPECT_GE(g.crop_x, fitted.crop_x - 1e-3f);
      EXPECT_GE(g.crop_y, fitted.crop_y - 1e-3f);
      EXPECT_LE(g.crop_x + g.crop_width, fitted.crop_x + fitted.crop_width + 1e-3f);
      EXPECT_LE(g.crop_y + g.crop_height, fitted.crop_y + fitted.crop_height + 1e-3f);
      EXPECT_EQ(g.target_width, 1280);  // the picture keeps the film's size
    }
}

TEST(Reframe, OnlyAShotDrawnStaticGetsTheMoveItAsks) {
  EXPECT_EQ(digital_move("a harbor at dusk, slow push in", CameraMove::Static), CameraMove::PushIn);
  EXPECT_EQ(digital_move("a harbor at dusk, slow push in", CameraMove::PanLeft), std::nullopt);  // never on a drawn move
  EXPECT_EQ(digital_move("a harbor at dusk, slow push in", CameraMove::PushIn), std::nullopt);
  EXPECT_EQ(digital_move("a harbor at dusk, static camera", CameraMove::Static), std::nullopt);
  EXPECT_EQ(digital_move("a harbor at dusk", CameraMove::Static), std::nullopt);  // no move named
}

TEST(Reframe, AStaticClipReframedMeasuresAsEveryMove) {
  // What the analyzer (and so `model eval`) reads is the move asked, at the default zoom, on clips
  // of one model window. (Over a longer shot the same zoom moves less per frame: the analyzer's
  // search, in steps of 1 % a frame, reads a 1.3 push in over 16 frames as static, docs/ENGINE.md.)
  for (const std::uint64_t seed : {5, 11}) {
    const int frames = 8;
    const Clip drawn = static_world_clip(frames, seed);
    ASSERT_EQ(drawn_camera_move(drawn), CameraMove::Static);
    for (const CameraMove move : world::kCameraMoves) {
      if (move == CameraMove::Static) continue;
      SCOPED_TRACE(std::string(world::word(move)) + ", seed " + std::to_string(seed));
      const Clip moved = reframe_clip(drawn, move, static_cast<float>(film::kDefaultReframeZoom));
      ASSERT_EQ(moved.frame_count(), frames);
      EXPECT_EQ(moved.width(), 128);
      EXPECT_EQ(drawn_camera_move(moved), move);
    }
  }
}

TEST(Reframe, FinisherDrawsTheMoveIntoTheUpscaleOnlyWhereTheModelDrewNone) {
  FinishPlan plan;
  plan.passes = {film::FinishPass::Reframe, film::FinishPass::Upscale};
  plan.output = {256, 128};
  plan.reframe_zoom = 1.3;
  FinishPlan upscale_only = plan;
  upscale_only.passes = {film::FinishPass::Upscale};
  const std::string prompt = "a harbor at dusk, push in";

  const Clip drawn = static_world_clip(8, 5);
  const auto reframe = plan.reframe_for(prompt, drawn_camera_move(drawn));
  EXPECT_EQ(reframe, CameraMove::PushIn);
  for (FinishDevice device : {FinishDevice::Cpu, FinishDevice::Vulkan}) {  // Vulkan: lavapipe where there is no GPU
    Finisher finisher = Finisher::open(device, {});
    SCOPED_TRACE(finisher.device());
    const Clip finished = finisher.finish(drawn, plan, 1, {reframe});
    EXPECT_EQ(drawn_camera_move(finished), CameraMove::PushIn);
    // The first frame is the drawn frame's full crop; the last shows the middle 1/1.3 of it.
    const Clip plain = finisher.finish(drawn, upscale_only, 1, {upscale_only.reframe_for(prompt, CameraMove::Static)});
    EXPECT_EQ(upscale_only.reframe_for(prompt, CameraMove::Static), std::nullopt);
    EXPECT_LE(max_difference(finished.frames.front(), plain.frames.front()), 1);
    EXPECT_GT(max_difference(finished.frames.back(), plain.frames.back()), 20);
    for (std::uint32_t t = 0; t < 8; ++t)
      EXPECT_LE(max_difference(finished.frames[t],
                               finish_frame_reference(drawn.frames[t], plan, grain_seed(1), t,
                                                      reframe_window(CameraMove::PushIn, 1.3f, t, 8))),
                1)
          << "frame " << t;
  }

  // The model drew a pan: the reframe leaves it, the frames are the plain upscale's.
  world::ClipAttributes a;
  a.camera = CameraMove::PanRight;
  a.atmosphere = world::Atmosphere::Clear;
  const Clip panning = world::render_clip(a, 8, 128, 64, 5);
  const auto left = plan.reframe_for(prompt, drawn_camera_move(panning));
  EXPECT_EQ(left, std::nullopt);
  Finisher finisher = Finisher::open(FinishDevice::Cpu, {});
  EXPECT_EQ(finisher.finish(panning, plan, 1, {left}), finisher.finish(panning, upscale_only, 1));
}

}  // namespace
}  // namespace shotgen::finish
