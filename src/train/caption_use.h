#pragma once
// Which parts of a caption the model uses: the rectified-flow loss on world clips whose caption names
// the clip's own value of one dimension, another value of it, or none, with the same noise and t.
// A model that uses a dimension has a lower loss with its true value than with a swapped one; one
// that ignores it scores them alike. Measured at the highest noise levels, where a clip's palette,
// light and layout are decided: t = 1 (the sampler's first step: x_t is pure noise, the caption is
// all the model has) and t = 0.95. Two errors: the whole velocity's, and that of its mean over the
// clip per channel (the clip's colours and light: the whole error is mostly per-pixel noise, which
// no caption can predict, so a palette the model reads barely moves it).
//
// Why it exists: the v3.1 model's palette adherence sat at chance while its light followed the
// prompt; this probe showed the loss did not move with the palette words at all (0.7270 true,
// 0.7270 swapped) while it did with the light's (0.7270 true, 0.7737 swapped). It separates "the
// model does not use the words" from "the analyzer misreads the clips". Torch-free interface.
#include <cstdint>
#include <string>
#include <vector>

#include "world/attributes.h"

namespace shotgen::engine {
class Engine;
}

namespace shotgen::train {

enum class CaptionMode { True, Swapped, Absent };

// The world's canonical caption of `attributes` (style, characters, camera, lens, lighting, palette,
// composition, atmosphere), with `dimension` ("palette", "lighting", "camera", "style",
// "characters") naming the clip's value, another value (`swap_to`, taken modulo the number of other
// values), or left out.
std::string probe_caption(const world::ClipAttributes& attributes, const std::string& dimension, CaptionMode mode,
                          int swap_to);

struct CaptionUseOptions {
  int clips = 48;                             // world clips per dimension
  std::vector<double> noise_levels{1.0, 0.95};  // t of the probe (same clips and noise at each)
  int frames = 8;
  int width = 128;
  int height = 64;
  std::uint64_t seed = 1;
};

struct CaptionUseRow {
  std::string dimension;
  double t = 0.0;
  int clips = 0;
  double loss_true = 0.0, loss_swapped = 0.0, loss_absent = 0.0;  // mean velocity MSE
  double mean_true = 0.0, mean_swapped = 0.0, mean_absent = 0.0;  // MSE of the velocity's clip mean per channel
  // How much the model gains from the dimension's words: (swapped − true) / true.
  double gain() const { return relative(loss_swapped, loss_true); }
  double mean_gain() const { return relative(mean_swapped, mean_true); }

 private:
  static double relative(double swapped, double own) { return own > 0.0 ? (swapped - own) / own : 0.0; }
};

// One row per noise level and adherence dimension (level-major), on the engine's model (CPU or
// CUDA, as loaded).
std::vector<CaptionUseRow> measure_caption_use(engine::Engine& engine, const CaptionUseOptions& options);

}  // namespace shotgen::train
