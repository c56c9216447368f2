#include "finish/reframe.h"

#include <cmath>

namespace shotgen::finish {

CropWindow reframe_window(world::CameraMove move, float zoom, std::size_t frame, std::size_t frame_count) {
  using world::CameraMove;
  if (move == CameraMove::Static || frame_count < 2 || zoom <= 1) return {};
  // Progress 0 -> 1 over the shot; the zoom is linear in its logarithm, so every frame scales the
  // picture by the same factor, as a dolly at constant speed does.
  const float t = static_cast<float>(frame) / static_cast<float>(frame_count - 1);
  // Half the margin a `zoom` crop leaves on each side, as a fraction of the fitted crop.
  const float margin = (1 - 1 / zoom) / 2;
  const float sweep = margin * (1 - 2 * t);  // +margin -> -margin
  switch (move) {
    case CameraMove::Static: break;
    case CameraMove::PushIn: return {std::pow(zoom, t), 0, 0};
    case CameraMove::PullOut: return {std::pow(zoom, 1 - t), 0, 0};
    case CameraMove::PanLeft: return {zoom, sweep, 0};
    case CameraMove::PanRight: return {zoom, -sweep, 0};
    case CameraMove::TiltUp: return {zoom, 0, sweep};
    case CameraMove::TiltDown: return {zoom, 0, -sweep};
  }
  return {};
}

UpscaleGeometry within_window(const UpscaleGeometry& fitted, const CropWindow& window) {
  if (window == CropWindow{}) return fitted;
  UpscaleGeometry g = fitted;
  g.crop_width = fitted.crop_width / window.zoom;
  g.crop_height = fitted.crop_height / window.zoom;
  const float centre_x = fitted.crop_x + fitted.crop_width * (0.5f + window.offset_x);
  const float centre_y = fitted.crop_y + fitted.crop_height * (0.5f + window.offset_y);
  g.crop_x = centre_x - g.crop_width / 2;
  g.crop_y = centre_y - g.crop_height / 2;
  return g;
}

std::optional<world::CameraMove> digital_move(std::string_view positive, world::CameraMove drawn) {
  const auto asked = world::camera_move_from_words(positive);
  if (!asked || *asked == world::CameraMove::Static || drawn != world::CameraMove::Static) return std::nullopt;
  return asked;
}


Clip reframe_clip(const Clip& clip, world::CameraMove move, float zoom) {
  if (clip.frames.empty()) return clip;
  const UpscaleGeometry fitted =
      upscale_geometry(clip.width(), clip.height(), clip.width(), clip.height(), film::FrameFit::Crop);
  Clip out;
  out.frames.reserve(clip.frames.size());
  for (std::size_t i = 0; i < clip.frames.size(); ++i)
    out.frames.push_back(upscale_reference(
        clip.frames[i], within_window(fitted, reframe_window(move, zoom, i, clip.frames.size())),
        film::UpscaleKernel::Lanczos3));
  return out;
}

}  // namespace shotgen::finish
