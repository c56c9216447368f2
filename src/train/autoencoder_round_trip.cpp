#include "train/autoencoder_round_trip.h"

#include <torch/torch.h>

#include "core/error.h"
#include "engine/engine.h"
#include "engine/runtime/engine_impl.h"

namespace shotgen::train {

std::optional<std::vector<Clip>> autoencoder_round_trip(engine::Engine& engine, const std::vector<Clip>& clips) {
  engine::ShotModelImpl& model = *engine.impl().model;
  if (!model.autoencoder) return std::nullopt;
  const int factor = model.autoencoder->factor;
  c10::InferenceMode inference_mode;
  std::vector<Clip> out;
  out.reserve(clips.size());
  for (const Clip& clip : clips) {
    if (clip.frames.empty() || clip.width() % factor != 0 || clip.height() % factor != 0)
      throw Error(ErrorKind::OutOfRange,
                  "a " + std::to_string(clip.width()) + "x" + std::to_string(clip.height()) + " clip of " +
                      std::to_string(clip.frame_count()) + " frames cannot go through the autoencoder",
                  "autoencoder round trip", "give frames whose sides are multiples of " + std::to_string(factor));
    std::vector<torch::Tensor> frames;
    for (const Image& frame : clip.frames) frames.push_back(engine::image_to_tensor(frame));
    // Frames are coded one by one (the autoencoder is per frame), so the clip is just a batch.
    const torch::Tensor decoded =
        model.autoencoder->decode_raw(model.autoencoder->encode_raw(torch::stack(frames).to(engine.impl().device)));
    Clip round_trip;
    for (std::int64_t t = 0; t < decoded.size(0); ++t) round_trip.frames.push_back(engine::tensor_to_image(decoded[t]));
    out.push_back(std::move(round_trip));
  }
  return out;
}

}  // namespace shotgen::train
