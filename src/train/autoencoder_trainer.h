#pragma once
// The first stage of training a latent model: the frame autoencoder (engine/model/autoencoder.h),
// trained alone on frames of the procedural film world. Torch-free public interface.
//
// Loss per frame: L1 + ½·MSE of the reconstruction, plus `edge_weight` × L1 of its horizontal and
// vertical finite differences against the frame's (edges are what plain reconstruction losses
// blur first; the world is flat shapes with crisp outlines), plus a small penalty on the raw
// latents' magnitude so their scale stays put. The decoder is trained on latents with Gaussian
// noise of `latent_noise` × their running standard deviation added: the denoiser's latents are
// never exact, and a decoder that only ever saw exact ones draws artefacts from small errors.
//
// Data: frame k of step s comes from world clip mix_seed(seed, s·clips + k / frames_per_clip) at one
// of the trained sizes, cropped at a position drawn from (seed, s, k); nothing is stored, and a
// resumed run continues the stream exactly.
//
// Decoder only (`decoder_of`, a latent model's directory): the run starts from that model's
// autoencoder and trains its decoder alone. The encoder and the latent statistics stay as they are,
// so the latents the model's denoiser learnt are unchanged and its weights stay valid; at the end the
// run writes model/ — the model with the new decoder, everything else as it was. This is how a
// decoder is improved without training the denoiser again (docs/ENGINE.md, "the autoencoder's
// ceiling").
//
// Output directory layout (the denoiser stage reads checkpoint/ through TrainOptions::autoencoder_dir):
//   checkpoint/  config.json (the latent keys), autoencoder.safetensors (autoencoder.* weights with the
//                latent statistics), optimizer.safetensors, state.json — replaced as a whole
//   loss.csv     step,loss,ema_loss,lr,seconds
//   reconstruction.png  eight held-out frames above what the autoencoder makes of them
//   model/       (decoder only) the model of `decoder_of` with the new decoder, ready to load
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "engine/engine.h"
#include "engine/model/config.h"

namespace shotgen::train {

struct AutoencoderTrainOptions {
  std::filesystem::path out_dir;
  engine::ModelConfig config;  // latent_channels, latent_factor, autoencoder_width, trained_sizes
  // A latent model's directory: train only its decoder (see above); `config` is then the model's.
  std::filesystem::path decoder_of;
  bool resume = false;
  std::int64_t max_steps = 0;
  double minutes = 0.0;
  int batch_frames = 16;        // frames per step
  int frames_per_clip = 4;      // consecutive frames taken from each world clip
  // Each frame is trained as a random crop of this size (0×0: the whole frame). The networks are
  // convolutional, so a crop teaches the same thing at the world's scale, and four 64×32 crops cost
  // what one 128×64 frame does: measured here, four times the steps in the same minutes reached a
  // much sharper decoder (docs/ENGINE.md).
  engine::FrameSize crop{0, 0};
  double learning_rate = 5e-3;
  double final_learning_rate_fraction = 0.05;
  int warmup_steps = 100;
  double edge_weight = 0.5;
  double latent_noise = 0.1;
  double gradient_clip = 1.0;
  std::int64_t checkpoint_every = 250;
  int log_every = 25;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string device = "auto";
  std::string command_line;
  // Set from any thread (the CLI's signal handler): the current step finishes, then the run
  // checkpoints and stops. The library installs no signal handlers.
  const engine::CancelToken* stop = nullptr;

  void validate() const;  // throws shotgen::Error naming the option
};

struct AutoencoderProgress {
  std::int64_t step = 0;
  double loss = 0.0;
  double ema_loss = 0.0;
  double learning_rate = 0.0;
  double seconds = 0.0;
};

struct AutoencoderSummary {
  std::int64_t steps = 0;
  std::int64_t frames_seen = 0;
  double seconds = 0.0;
  double final_loss = 0.0;
  double validation_psnr = 0.0;  // on frames of a held-out seed stream, dB
  double validation_structure_ratio = 0.0;  // reconstructed ÷ original (analyze/sharpness.h)
  std::string stop_reason;       // "steps", "minutes" or "request" (the stop token)
  std::string device;
  std::filesystem::path checkpoint;
  std::filesystem::path preview;  // reconstruction.png: held-out frames above their reconstructions
  std::filesystem::path model;    // decoder only: model/, the model with the new decoder; else empty
};

AutoencoderSummary train_autoencoder(const AutoencoderTrainOptions& options,
                                     const std::function<void(const AutoencoderProgress&)>& on_log = {});

// The checkpoint directory of an autoencoder run in `out_dir` (checkpoint/).
std::filesystem::path autoencoder_checkpoint_dir(const std::filesystem::path& out_dir);

}  // namespace shotgen::train
