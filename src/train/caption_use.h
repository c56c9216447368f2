#pragma once
// Which parts of a caption the model uses: the rectified-flow loss on world clips whose caption names
// the clip's own value of one dimension, another value of it, or none, with the same noise and t.
// A model that uses a dimension has a lower loss with its true value than with a swapped one; one
// that ignores it scores them alike. Measured at high noise (t = 0.95 by default), where a clip's
// palette, light and layout are decided and the caption is almost all the model has to go on.
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
  int clips = 48;        // world clips per dimension
  double t = 0.95;       // noise level of the probe
  int frames = 8;
  int width = 128;
  int height = 64;
  std::uint64_t seed = 1;
};

struct CaptionUseRow {
  std::string dimension;
  int clips = 0;
  double loss_true = 0.0, loss_swapped = 0.0, loss_absent = 0.0;  // mean velocity MSE
  // How much the model gains from the dimension's words: (swapped − true) / true.
  double gain() const { return loss_true > 0.0 ? (loss_swapped - loss_true) / loss_true : 0.0; }
};

// One row per adherence dimension, on the engine's model (CPU or CUDA, as loaded).
std::vector<CaptionUseRow> measure_caption_use(engine::Engine& engine, const CaptionUseOptions& options);

}  // namespace shotgen::train
