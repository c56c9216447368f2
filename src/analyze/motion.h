#pragma once
// Global camera motion and temporal flicker.
//
// Between consecutive frames (luma halved until under 64 rows) the analyzer searches the
// translation (whole pixels, up to max(3, rows/6)) and the zoom about the frame centre (0.92..1.08) that best maps frame t onto
// frame t+1 (least mean absolute luma difference over the overlap). The clip's motion is the
// median over frame pairs. Sign convention, the world's: content moving RIGHT in frame (dx > 0)
// is a pan LEFT; content moving DOWN (dy > 0) is a tilt UP; content growing (scale > 1) is a
// push in.
//
// The search normalises each frame's brightness and contrast, takes rain and snow particles out
// with a 3×3 median and truncates per-pixel errors, so exposure flicker and weather do not hide the
// camera's motion (flicker is measured on the unfiltered frames).
//
// Flicker: the mean absolute luma difference (0..255 scale, on the searched resolution) between
// each frame and the previous one after aligning them with the measured motion, averaged over
// pairs. A steady scene measures
// ~0 (rain or snow a few units); lighting that pumps from frame to frame measures tens.
#include <vector>

#include "analyze/planes.h"
#include "world/attributes.h"

namespace shotgen::analyze {

struct MotionMeasure {
  world::CameraMove camera = world::CameraMove::Static;
  double dx = 0, dy = 0;  // median content translation per frame, pixels (+x right, +y down)
  double scale = 1;       // median content scale per frame
  double flicker = 0;
};

MotionMeasure measure_motion(const std::vector<Planes>& frames);

// The motion between each frame and the next (frames.size() - 1 steps), found by the search above:
// frame t+1 is frame t translated by (dx, dy) pixels of the full frame and scaled by `scale` about
// the frame centre. measure_motion is their median; the deflicker pass (finish/deflicker.h) aligns
// frames with them.
struct FrameStep {
  double dx = 0, dy = 0;
  double scale = 1;
  double flicker = 0;  // this pair's flicker, as MotionMeasure::flicker
};
std::vector<FrameStep> frame_steps(const std::vector<Planes>& frames);

}  // namespace shotgen::analyze
