#pragma once
// How a shot's content moves in frame from one frame to the next: what a camera move does to the
// picture. The world draws its clips with it; the engine moves the shared part of a clip's starting
// noise with it, so the layout the model draws out of the noise moves as the camera asks.
namespace shotgen {

struct CameraMotion {
  double dx = 0;     // content translation per frame, pixels (+ = content moves right)
  double dy = 0;     // pixels per frame (+ = content moves down)
  double scale = 1;  // content scale per frame about the frame centre (> 1 = content grows)
  bool is_static() const { return dx == 0 && dy == 0 && scale == 1; }
  // The same motion on a grid `factor` times coarser than the pixels (a latent grid).
  CameraMotion on_grid(int factor) const { return {dx / factor, dy / factor, scale}; }
  bool operator==(const CameraMotion&) const = default;
};

}  // namespace shotgen
