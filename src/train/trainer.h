#pragma once
// The trainer of the shot model: rectified flow on clips streamed from the procedural film world.
// Torch-free public interface (the implementation uses libtorch).
//
// Objective (rectified flow): x_t = (1 − t)·x0 + t·ε, the model predicts v = ε − x0, loss = MSE
// over the frames that are not given (with multiscale_loss_weight, plus the error pooled over 4×4
// blocks and whole frames: train/flow_loss.h). t is logit-normal (t = sigmoid(n), n ~ N(0, 1), the SD3
// recipe: most steps on mid noise levels) for most clips, and uniform in (0,1) for a share
// `uniform_time_share` of them. The share matters for a short run: logit-normal draws t > 0.95 once
// in 600 clips, so a model trained on it alone barely learns the first sampler steps from pure
// noise, where the frame's layout is decided; measured here (2,000 steps, share 0), one Euler step
// from t = 1 still returned the noise and 20 steps gave a mosaic of independent patches.
//
// Every drawn t is then shifted by `time_shift` s, t' = s·t/(1 + (s−1)·t), the sampler's own
// schedule map: a clip's palette, light and layout are decided in the first steps from pure noise,
// which s > 1 trains more often; the exported model samples with the same s (config sampling_shift).
//
// Data: clip i of the stream is world::sample(mix_seed(seed, i), ...), so nothing is stored and
// a resumed run continues the stream exactly where it stopped. Every clip's caption (≈10% empty:
// the unconditional branch) is the text; a sample's reference example is fed with only its
// shared dimensions' token groups (the other groups are ignored, as `ignore` does at inference);
// with probability `conditioning_probability` the first 1–2 frames are given clean through the
// mask (image-to-video, windowed extension) and excluded from the loss. With probability
// `filler_probability` a caption also gets words that no world caption uses (a film's prose:
// "lighthouse", "lantern", made-up words), so a long assembled prompt does not drown the words the
// model can draw. `init_from` starts a new run (fine-tuning) from another run's weights.
//
// Output directory layout:
//   checkpoint/        config.json, vocab.txt, model.safetensors, ema.safetensors,
//                      optimizer.safetensors, state.json — replaced as a whole (written to
//                      checkpoint.tmp/ then renamed), so a crash never leaves a half checkpoint
//   loss.csv           step,loss,ema_loss,lr,seconds
//   model/ (or --export DIR)  the shipped model: config.json (+ training summary), vocab.txt,
//                      weights.safetensors (EMA weights in f16)
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "engine/engine.h"
#include "engine/model/config.h"

namespace shotgen::train {

struct TrainOptions {
  std::filesystem::path out_dir;                    // checkpoint/, loss.csv
  std::optional<std::filesystem::path> export_dir;  // shipped model; default out_dir/model
  engine::ModelConfig config;                       // architecture of a fresh run (ignored on resume)
  // A latent model's trained autoencoder (the checkpoint/ of `model train-autoencoder`): its latent
  // keys replace config's and its weights are loaded and frozen. Empty: a pixel-space model.
  std::filesystem::path autoencoder_dir;
  bool resume = false;       // continue from out_dir/checkpoint (error if there is none)
  // Start a new run (its own schedule, fresh optimizer state) from trained weights: a checkpoint/ of
  // `model train` (its model and EMA weights) or an exported model directory (weights.safetensors
  // for both). The architecture, vocabulary and autoencoder are the source's; `config` is ignored.
  std::filesystem::path init_from;
  // The denoiser's word path (config pooled_words, engine/model/config.h): part of a fresh run's
  // architecture; with init_from, added to the source's (zero-initialised: the run starts from the
  // source's function).
  bool pooled_words = false;
  // Keep the world captions' hyphenated words whole, one token each (config compound_words,
  // engine/text/tokenizer.h): part of a fresh run's vocabulary; with init_from, added to a source
  // without them (train/compound_embedding.h).
  bool compound_words = false;
  std::int64_t max_steps = 0;  // stop after this many steps in total (0 = no step limit)
  double minutes = 0.0;        // stop after this much training wall time in total (0 = none)
  int batch_size = 16;
  int frames = 8;              // frames per training clip (≤ config.window_frames)
  double learning_rate = 3e-4;
  double final_learning_rate_fraction = 0.1;  // cosine decay to lr × this at the end
  int warmup_steps = 50;
  double weight_decay = 0.01;
  double ema_decay = 0.999;
  double gradient_clip = 1.0;
  double conditioning_probability = 0.25;
  double uniform_time_share = 0.5;      // share of clips with uniform t (the rest logit-normal)
  double time_shift = 1.0;              // t' = s·t / (1 + (s−1)·t) on every drawn t; exported as the
                                        // model's sampling_shift
  double filler_probability = 0.0;      // share of captions given words outside the world's captions
                                        // (the vocabulary's other words, made-up words): see BatchSpec
  double multiscale_loss_weight = 0.0;  // weight of the pooled error terms (train/flow_loss.h); 0 = MSE
  double offset_noise = 0.0;            // std of ε's constant per clip and channel (BatchSpec); 0 = none
  double frame_noise_correlation = 0.0; // share of ε common to a clip's frames (BatchSpec); exported as
                                        // the model's frame_noise_correlation, which it samples with
  bool noise_follows_camera = false;    // that share moves with each clip's camera (BatchSpec); exported
                                        // as the model's noise_follows_camera. Needs the correlation.
  int camera_noise_subcells = 1;        // how finely it moves (BatchSpec); exported. >1 needs the above
  double figure_loss_weight = 1.0;      // loss weight of the cells figures cover (BatchSpec); 1 = alike
  double layout_noise = 0.0;            // std of ε's low-frequency part the frames share (BatchSpec); 0 = none
  std::int64_t checkpoint_every = 250;  // steps (0 = only at the end)
  int log_every = 10;                   // steps between stderr lines (every step goes to loss.csv)
  std::uint64_t seed = 1;
  int threads = 0;                      // torch intra-op threads; 0 = $SHOTGEN_THREADS, else hardware
                                        // threads (BLAS threads: engine/runtime/cpu_threads.h)
  std::string device = "auto";          // "auto", "cpu" or "cuda"
  bool export_at_end = true;
  std::string command_line;             // recorded in the exported training summary
  // Set from any thread (the CLI's signal handler): the current step finishes, then the run
  // checkpoints and stops. The library installs no signal handlers.
  const engine::CancelToken* stop = nullptr;

  // Throws shotgen::Error naming the option when a value is out of range.
  void validate() const;
};

// What a stderr log line says (also handed to the progress callback).
struct TrainProgress {
  std::int64_t step = 0;
  double loss = 0.0;       // this step's loss
  double ema_loss = 0.0;   // exponential moving average of the loss (smoothing 0.98)
  double learning_rate = 0.0;
  double seconds = 0.0;    // training wall time so far, resumed runs included
};

struct TrainSummary {
  std::int64_t steps = 0;
  std::int64_t clips_seen = 0;
  double seconds = 0.0;
  double final_loss = 0.0;   // ema_loss at the end
  std::string stop_reason;   // "steps", "minutes" or "request" (the stop token)
  std::string device;
  std::filesystem::path exported;  // empty when nothing was exported
};

// The learning rate at `step` (0-based) given the run's progress in [0, 1]: linear warm-up, then a
// cosine from learning_rate down to learning_rate × final_learning_rate_fraction. Progress is the
// larger of step / max_steps and seconds / (60 × minutes), so a wall-clock-budgeted run still
// decays to the end.
double learning_rate_at(const TrainOptions& options, std::int64_t step, double progress);

// Trains until max_steps, the minutes budget, or SIGINT/SIGTERM, checkpoints (every
// checkpoint_every steps and at the end) and, if export_at_end, exports the EMA weights.
// `on_log` is called every log_every steps (and on the last step).
TrainSummary train(const TrainOptions& options, const std::function<void(const TrainProgress&)>& on_log = {});

// Writes the shipped model from a checkpoint directory: config.json (with the training summary
// under "training"), vocab.txt and weights.safetensors (EMA weights, f16).
void export_model(const std::filesystem::path& checkpoint_dir, const std::filesystem::path& export_dir);

}  // namespace shotgen::train
