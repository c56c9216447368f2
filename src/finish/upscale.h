#pragma once
// The upscale pass: the generated frame (generation size) resampled to the film's resolution with
// a separable kernel, Lanczos-3 (sharp, the default) or bilinear (what the encoder's plain scaling
// amounts to, kept for comparison). A generated aspect other than the film's is fitted by
// cropping the source (fit = crop) or by black bars around the picture (fit = letterbox).
// upscale_reference is the CPU reference shaders/upscale.comp must match within 1/255.
#include <vector>

#include "core/image.h"
#include "film/finish_settings.h"

namespace shotgen::finish {

// Where the source is read and where the picture lands; computed once and used by both the CPU
// reference and the shader's push constants.
struct UpscaleGeometry {
  int source_width = 0, source_height = 0;
  int target_width = 0, target_height = 0;
  float crop_x = 0, crop_y = 0, crop_width = 0, crop_height = 0;  // source pixels shown
  int picture_x = 0, picture_y = 0, picture_width = 0, picture_height = 0;  // target pixels they fill
  bool operator==(const UpscaleGeometry&) const = default;
};

// The kernel's support grows with the downscale factor; the shader holds at most 32 taps per
// axis, so a target may be at most this many times smaller than its source.
inline constexpr float kMaxDownscale = 5.0f;

// Throws shotgen::Error for a non-positive size or a downscale beyond kMaxDownscale.
UpscaleGeometry upscale_geometry(int source_width, int source_height, int target_width, int target_height,
                                 film::FrameFit fit);

// The kernel's taps, computed once and read by both the CPU reference and the shader (so both
// weigh with the very same numbers): for every target column, then every target row, `stride`
// floats — the first source index, the tap count, the weights' sum, then the weights.
struct UpscaleTaps {
  int stride = 0;
  std::vector<float> table;  // (target_width + target_height) * stride
};
UpscaleTaps upscale_taps(const UpscaleGeometry& geometry, film::UpscaleKernel kernel);

Image upscale_reference(const Image& source, const UpscaleGeometry& geometry, film::UpscaleKernel kernel);

}  // namespace shotgen::finish
