// shotgen model train: trains the shot model on the procedural film world (train/trainer.h) and
// exports the shipped weights. Progress goes to stderr; the summary to stdout.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/frame_sizes.h"
#include "cli/stop_on_signals.h"
#include "core/error.h"
#include "train/evaluation.h"
#include "train/trainer.h"
#include "train/vocabulary.h"

namespace shotgen::cli {
namespace {

struct TrainCommand {
  train::TrainOptions options;
  std::string out;
  std::string export_dir;
  bool export_only = false;
  bool no_export = false;
  std::string sizes = "128x64";
  std::string autoencoder;
  std::string projects = std::string(SHOTGEN_SOURCE_DIR) + "/projects";
};

void run_train(TrainCommand& command, const std::string& command_line) {
  train::TrainOptions& options = command.options;
  options.out_dir = command.out;
  if (!command.export_dir.empty()) options.export_dir = std::filesystem::path(command.export_dir);
  if (command.export_only) {
    const std::filesystem::path target = options.export_dir.value_or(options.out_dir / "model");
    train::export_model(options.out_dir / "checkpoint", target);
    std::cout << "exported " << target.string() << "\n";
    return;
  }
  options.export_at_end = !command.no_export;
  options.command_line = command_line;
  options.config.trained_sizes = parse_frame_sizes(command.sizes, "--sizes");
  if (!command.autoencoder.empty()) options.autoencoder_dir = command.autoencoder;
  std::vector<std::string> texts = train::example_prompt_texts(command.projects);
  for (const std::string& text : train::evaluation_prompt_texts()) texts.push_back(text);
  options.config.vocabulary = train::training_vocabulary(texts);

  engine::CancelToken stop;
  const StopOnSignals on_signals(stop);  // Ctrl-C / kill: the step finishes, the run checkpoints
  options.stop = &stop;
  const train::TrainSummary summary = train::train(options, [](const train::TrainProgress& p) {
    std::fprintf(stderr, "step %6lld  loss %.4f  ema_loss %.4f  lr %.2e  %7.1f s  (%.2f s/step)\n",
                 static_cast<long long>(p.step), p.loss, p.ema_loss, p.learning_rate, p.seconds,
                 p.step > 0 ? p.seconds / static_cast<double>(p.step) : 0.0);
  });
  std::cout << "trained " << summary.steps << " steps (" << summary.clips_seen << " clips) in "
            << static_cast<long long>(summary.seconds) << " s on " << summary.device << ", stopped by "
            << summary.stop_reason << ", final loss " << summary.final_loss << "\n";
  std::cout << "checkpoint " << (options.out_dir / "checkpoint").string() << "\n";
  if (!summary.exported.empty()) std::cout << "exported " << summary.exported.string() << "\n";
}

}  // namespace

void setup_model_train(CLI::App& model, const GlobalOptions& global) {
  auto command = std::make_shared<TrainCommand>();
  train::TrainOptions& o = command->options;
  engine::ModelConfig& c = o.config;
  CLI::App* sub = model.add_subcommand("train", "Train the shot model on the procedural film world");
  sub->add_option("--out", command->out, "Output directory (checkpoint/, loss.csv, model/)")->required();
  sub->add_flag("--resume", o.resume, "Continue the checkpoint in --out (keeps its hyperparameters)");
  sub->add_option("--steps", o.max_steps, "Stop after this many steps in total");
  sub->add_option("--minutes", o.minutes, "Stop after this much training time in total (then checkpoint)");
  sub->add_option("--export", command->export_dir, "Where to write the shipped model (default OUT/model)");
  sub->add_flag("--export-only", command->export_only, "Only export the checkpoint in --out, no training");
  sub->add_flag("--no-export", command->no_export, "Do not export at the end");
  sub->add_option("--batch", o.batch_size, "Clips per step")->capture_default_str();
  sub->add_option("--frames", o.frames, "Frames per training clip")->capture_default_str();
  sub->add_option("--lr", o.learning_rate, "Peak learning rate")->capture_default_str();
  sub->add_option("--final-lr-fraction", o.final_learning_rate_fraction, "Cosine floor (× lr)")->capture_default_str();
  sub->add_option("--warmup", o.warmup_steps, "Linear warm-up steps")->capture_default_str();
  sub->add_option("--weight-decay", o.weight_decay, "AdamW weight decay")->capture_default_str();
  sub->add_option("--ema-decay", o.ema_decay, "EMA decay of the shipped weights")->capture_default_str();
  sub->add_option("--clip", o.gradient_clip, "Gradient norm clip")->capture_default_str();
  sub->add_option("--conditioning-probability", o.conditioning_probability,
                  "Share of clips whose first 1-2 frames are given clean")->capture_default_str();
  sub->add_option("--uniform-t-share", o.uniform_time_share,
                  "Share of clips with uniform t (the rest logit-normal; uniform covers the pure-noise end)")
      ->capture_default_str();
  sub->add_option("--time-shift", o.time_shift,
                  "Shift every drawn t towards pure noise, t' = s*t/(1+(s-1)*t); the model samples with it")
      ->capture_default_str();
  sub->add_option("--filler-probability", o.filler_probability,
                  "Share of captions given words the world's captions never use, so prompts full of them still work")
      ->capture_default_str();
  sub->add_option("--multiscale-loss", o.multiscale_loss_weight,
                  "Weight of the error pooled over 4x4 latent blocks and whole frames (grade, light, layout); 0 = plain MSE")
      ->capture_default_str();
  sub->add_option("--offset-noise", o.offset_noise,
                  "Std of a constant per clip and channel added to the noise, so the words, not the noise, set a clip's colours")
      ->capture_default_str();
  sub->add_option("--frame-noise-correlation", o.frame_noise_correlation,
                  "Share of the noise common to a clip's frames, for steadier clips; the model samples with it")
      ->capture_default_str();
  sub->add_flag("--noise-follows-camera", o.noise_follows_camera,
                "Move the shared noise with each clip's camera, so the model draws the camera moves a prompt asks for "
                "(needs --frame-noise-correlation)");
  sub->add_option("--camera-noise-subcells", o.camera_noise_subcells,
                  "Noise sub-cells per latent cell along each side, so zooms and slow pans move the noise smoothly "
                  "(1: whole cells; needs --noise-follows-camera)")
      ->capture_default_str();
  sub->add_option("--figure-loss-weight", o.figure_loss_weight,
                  "Loss weight of the latent cells the world's figures cover (and their outline), fading to 1 at pure "
                  "noise, so the model spends its capacity on the subjects; 1 = every cell alike")
      ->capture_default_str();
  sub->add_option("--layout-noise", o.layout_noise,
                  "Std of low-frequency noise the frames share (grids 2, 4 and 8 times coarser), hiding a clip's layout "
                  "at high noise (tried at 0.5: the seed set less of the layout, the words no more; docs/ENGINE.md); "
                  "0 = none")
      ->capture_default_str();
  sub->add_flag("--compound-words", o.compound_words,
                "Keep hyphenated caption words (low-key, golden-hour) whole, one token each (with --init-from: "
                "added to its model)");
  sub->add_flag("--pooled-words", o.pooled_words,
                "Give the denoiser the prompt's words pooled from their embeddings (with --init-from: added to its model)");
  sub->add_option("--init-from", o.init_from,
                  "Start a new run from trained weights: a checkpoint/ of `model train` or a model directory");
  sub->add_option("--checkpoint-every", o.checkpoint_every, "Steps between checkpoints (0 = end only)")->capture_default_str();
  sub->add_option("--log-every", o.log_every, "Steps between stderr log lines")->capture_default_str();
  sub->add_option("--seed", o.seed, "Seed of the initialisation and the data stream")->capture_default_str();
  sub->add_option("--threads", o.threads, "Torch threads (0 = $SHOTGEN_THREADS, else hardware threads; BLAS threads: $SHOTGEN_BLAS_THREADS, else 1)")->capture_default_str();
  sub->add_option("--device", o.device, "auto, cpu or cuda")->capture_default_str();
  // Architecture of a fresh run (a resumed run keeps its checkpoint's config).
  sub->add_option("--width", c.width, "Denoiser width")->capture_default_str();
  sub->add_option("--depth", c.depth, "Denoiser blocks")->capture_default_str();
  sub->add_option("--heads", c.heads, "Denoiser attention heads")->capture_default_str();
  sub->add_option("--patch", c.patch_size, "Patch size (pixels)")->capture_default_str();
  sub->add_option("--mlp-ratio", c.mlp_ratio, "MLP hidden width ÷ width")->capture_default_str();
  c.mlp_depthwise_kernel = 3;  // fresh models mix each patch with its neighbours (see engine/model/config.h)
  sub->add_option("--depthwise-kernel", c.mlp_depthwise_kernel,
                  "Depthwise convolution over the patch grid in each MLP (0 = none, else odd)")
      ->capture_default_str();
  sub->add_option("--text-width", c.text_width, "Text encoder width")->capture_default_str();
  sub->add_option("--text-depth", c.text_depth, "Text encoder layers")->capture_default_str();
  sub->add_option("--text-heads", c.text_heads, "Text encoder heads")->capture_default_str();
  sub->add_option("--hash-buckets", c.hash_buckets, "Buckets for unknown words")->capture_default_str();
  sub->add_option("--window", c.window_frames, "Frames the model sees at once")->capture_default_str();
  sub->add_option("--sizes", command->sizes, "Trained sizes WxH[,WxH...] (one picked per step)")->capture_default_str();
  sub->add_option("--projects", command->projects, "Example projects whose prompt words join the vocabulary")
      ->capture_default_str();
  sub->add_option("--autoencoder", command->autoencoder,
                  "A latent model: the checkpoint/ of `model train-autoencoder` (frozen; its latent keys are used)");
  sub->callback([command, sub]() { run_train(*command, command_line_of(*sub, "shotgen model train")); });
  (void)global;
}

}  // namespace shotgen::cli
