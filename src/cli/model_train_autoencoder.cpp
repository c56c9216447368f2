// shotgen model train-autoencoder: the first stage of a latent model — the frame autoencoder,
// trained alone on world frames (train/autoencoder_trainer.h). `model train --autoencoder DIR`
// then trains the denoiser on its latents. With --decoder-of MODEL it trains only that model's
// decoder and writes the model with the new decoder to OUT/model.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/stop_on_signals.h"
#include "cli/frame_sizes.h"
#include "train/autoencoder_trainer.h"

namespace shotgen::cli {
namespace {

struct TrainAutoencoderCommand {
  train::AutoencoderTrainOptions options;
  std::string out;
  std::string sizes = "128x64";
  std::string crop = "64x32";
  std::string decoder_of;
};

void run_train_autoencoder(TrainAutoencoderCommand& command, const std::string& command_line) {
  train::AutoencoderTrainOptions& options = command.options;
  options.out_dir = command.out;
  options.decoder_of = command.decoder_of;
  options.command_line = command_line;
  options.config.trained_sizes = parse_frame_sizes(command.sizes, "--sizes");
  options.crop = command.crop == "0x0" ? engine::FrameSize{0, 0} : parse_frame_size(command.crop, "--crop");
  engine::CancelToken stop;
  const StopOnSignals on_signals(stop);  // Ctrl-C / kill: the step finishes, the run checkpoints
  options.stop = &stop;
  const train::AutoencoderSummary summary = train::train_autoencoder(options, [](const train::AutoencoderProgress& p) {
    std::fprintf(stderr, "step %6lld  loss %.4f  ema_loss %.4f  lr %.2e  %7.1f s  (%.3f s/step)\n",
                 static_cast<long long>(p.step), p.loss, p.ema_loss, p.learning_rate, p.seconds,
                 p.step > 0 ? p.seconds / static_cast<double>(p.step) : 0.0);
  });
  std::printf("trained the autoencoder %lld steps (%lld frames) in %lld s on %s, stopped by %s, final loss %.4f, "
              "held-out PSNR %.2f dB, structure %.2fx the original's\n",
              static_cast<long long>(summary.steps), static_cast<long long>(summary.frames_seen),
              static_cast<long long>(summary.seconds), summary.device.c_str(), summary.stop_reason.c_str(),
              summary.final_loss, summary.validation_psnr, summary.validation_structure_ratio);
  std::cout << "checkpoint " << summary.checkpoint.string() << "\n"
            << "preview " << summary.preview.string() << "\n";
  if (!summary.model.empty()) std::cout << "model " << summary.model.string() << "\n";
}

}  // namespace

void setup_model_train_autoencoder(CLI::App& model, const GlobalOptions& global) {
  auto command = std::make_shared<TrainAutoencoderCommand>();
  train::AutoencoderTrainOptions& o = command->options;
  engine::ModelConfig& c = o.config;
  c.latent_channels = 8;
  c.latent_factor = 4;
  CLI::App* sub = model.add_subcommand("train-autoencoder", "Train the frame autoencoder of a latent model (stage 1)");
  sub->add_option("--out", command->out, "Output directory (checkpoint/, loss.csv)")->required();
  sub->add_flag("--resume", o.resume, "Continue the checkpoint in --out (keeps its hyperparameters)");
  sub->add_option("--steps", o.max_steps, "Stop after this many steps in total");
  sub->add_option("--minutes", o.minutes, "Stop after this much training time in total");
  sub->add_option("--batch", o.batch_frames, "Frames per step")->capture_default_str();
  sub->add_option("--frames-per-clip", o.frames_per_clip, "Consecutive frames taken from each world clip")
      ->capture_default_str();
  sub->add_option("--lr", o.learning_rate, "Peak learning rate")->capture_default_str();
  sub->add_option("--final-lr-fraction", o.final_learning_rate_fraction, "Cosine floor (× lr)")->capture_default_str();
  sub->add_option("--warmup", o.warmup_steps, "Linear warm-up steps")->capture_default_str();
  sub->add_option("--edge-weight", o.edge_weight, "Weight of the finite-difference (edge) loss")->capture_default_str();
  sub->add_option("--latent-noise", o.latent_noise, "Noise added to the latents the decoder sees (× their std)")
      ->capture_default_str();
  sub->add_option("--clip", o.gradient_clip, "Gradient norm clip")->capture_default_str();
  sub->add_option("--checkpoint-every", o.checkpoint_every, "Steps between checkpoints (0 = end only)")->capture_default_str();
  sub->add_option("--log-every", o.log_every, "Steps between stderr log lines")->capture_default_str();
  sub->add_option("--seed", o.seed, "Seed of the initialisation and the frame stream")->capture_default_str();
  sub->add_option("--threads", o.threads, "Torch threads (0 = $SHOTGEN_THREADS, else hardware threads)")->capture_default_str();
  sub->add_option("--device", o.device, "auto, cpu or cuda")->capture_default_str();
  CLI::Option* decoder_of =
      sub->add_option("--decoder-of", command->decoder_of,
                      "Train only this latent model's decoder (its encoder and latents stay; writes OUT/model)");
  // The model brings its own autoencoder shape and trained sizes.
  sub->add_option("--latent-channels", c.latent_channels, "Latent channels")->capture_default_str()->excludes(decoder_of);
  sub->add_option("--latent-factor", c.latent_factor, "Latent grid is this many times smaller per side (4 or 8)")
      ->capture_default_str()
      ->excludes(decoder_of);
  sub->add_option("--width", c.autoencoder_width, "Autoencoder base channels (multiple of 8)")
      ->capture_default_str()
      ->excludes(decoder_of);
  sub->add_option("--sizes", command->sizes, "Frame sizes WxH[,WxH...] (one picked per step)")
      ->capture_default_str()
      ->excludes(decoder_of);
  sub->add_option("--crop", command->crop, "Train on random WxH crops of the frames (0x0: whole frames)")
      ->capture_default_str();
  sub->callback([command, sub]() { run_train_autoencoder(*command, command_line_of(*sub, "shotgen model train-autoencoder")); });
  (void)global;
}

}  // namespace shotgen::cli
