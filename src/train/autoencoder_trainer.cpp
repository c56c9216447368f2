#include "train/autoencoder_trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <future>
#include <type_traits>

#include "analyze/sharpness.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "engine/io/safetensors.h"
#include "engine/io/weights.h"
#include "engine/model/autoencoder.h"
#include "engine/model/shot_model.h"
#include "engine/runtime/cpu_threads.h"
#include "engine/runtime/engine_impl.h"
#include "media/png.h"
#include "train/adamw.h"
#include "train/loss_log.h"
#include "train/trainer.h"
#include "train/training_batch.h"
#include "world/sample.h"

namespace shotgen::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kLossSmoothing = 0.98;
constexpr double kLatentMagnitudePenalty = 1e-4;
constexpr std::uint64_t kHeldOutSalt = 0xA11CE5EEDull;  // validation/statistics frames: another stream
constexpr int kStatisticsFrames = 256;
constexpr int kValidationFrames = 64;

struct RunState {
  std::int64_t step = 0;
  std::int64_t frames_seen = 0;
  double seconds = 0.0;
  double ema_loss = 0.0;
};

// The hyperparameters that define a run, each named once: written to state.json and read back
// when the run resumes (a resumed run keeps them). The crop, a size, is stored as [width, height].
template <class Options, class Visit>
void visit_hyperparameters(Options& o, Visit&& visit) {
  visit("batch_frames", o.batch_frames);
  visit("frames_per_clip", o.frames_per_clip);
  visit("learning_rate", o.learning_rate);
  visit("final_learning_rate_fraction", o.final_learning_rate_fraction);
  visit("warmup_steps", o.warmup_steps);
  visit("edge_weight", o.edge_weight);
  visit("latent_noise", o.latent_noise);
  visit("gradient_clip", o.gradient_clip);
  visit("seed", o.seed);
}

json hyperparameters(const AutoencoderTrainOptions& o) {
  json h = {{"crop", {o.crop.width, o.crop.height}}};
  visit_hyperparameters(o, [&](const char* key, const auto& value) { h[key] = value; });
  return h;
}

void apply_hyperparameters(const json& h, AutoencoderTrainOptions& o) {
  visit_hyperparameters(o, [&](const char* key, auto& value) {
    value = h.at(key).template get<std::decay_t<decltype(value)>>();
  });
  const auto crop = h.value("crop", std::vector<int>{0, 0});  // checkpoints from before crops: whole frames
  o.crop = {crop.at(0), crop.at(1)};
}

// `count` frames [count,3,H,W] in [-1,1]: frames_per_clip consecutive frames of each world clip of
// the stream `stream_seed`, starting at clip `first_clip`.
torch::Tensor world_frames(int count, int frames_per_clip, engine::FrameSize size, std::uint64_t stream_seed,
                           std::uint64_t first_clip) {
  torch::Tensor bytes = torch::empty({count, size.height, size.width, 3}, torch::kUInt8);
  const std::size_t frame_bytes = static_cast<std::size_t>(size.height) * size.width * 3;
  int filled = 0;
  for (std::uint64_t clip = first_clip; filled < count; ++clip) {
    const world::WorldSample sample = world::sample(mix_seed(stream_seed, clip), frames_per_clip, size.width, size.height);
    for (const Image& frame : sample.clip.frames) {
      if (filled == count) break;
      std::memcpy(bytes.data_ptr<std::uint8_t>() + static_cast<std::size_t>(filled) * frame_bytes, frame.rgb.data(),
                  frame_bytes);
      ++filled;
    }
  }
  return bytes.permute({0, 3, 1, 2}).to(torch::kFloat32).div_(127.5).sub_(1.0);
}

// A crop of `crop` size from each frame at a random position on the latent grid (multiples of
// `factor`), drawn from `seed`; the frames themselves when crop is 0×0 or the frames' size.
torch::Tensor random_crops(const torch::Tensor& frames, engine::FrameSize crop, int factor, std::uint64_t seed) {
  const auto height = frames.size(2), width = frames.size(3);
  if (crop.width == 0 || (crop.width == width && crop.height == height)) return frames;
  const auto rows = (height - crop.height) / factor + 1, columns = (width - crop.width) / factor + 1;
  std::vector<torch::Tensor> crops;
  for (std::int64_t i = 0; i < frames.size(0); ++i) {
    const std::uint64_t draw = mix_seed(seed, static_cast<std::uint64_t>(i));
    const auto y = static_cast<std::int64_t>(draw % static_cast<std::uint64_t>(rows)) * factor;
    const auto x = static_cast<std::int64_t>((draw >> 32) % static_cast<std::uint64_t>(columns)) * factor;
    crops.push_back(frames[i].narrow(1, y, crop.height).narrow(2, x, crop.width));
  }
  return torch::stack(crops);
}

torch::Tensor finite_difference_loss(const torch::Tensor& output, const torch::Tensor& target) {
  auto dx = [](const torch::Tensor& x) { return x.slice(3, 1) - x.slice(3, 0, -1); };
  auto dy = [](const torch::Tensor& x) { return x.slice(2, 1) - x.slice(2, 0, -1); };
  return (dx(output) - dx(target)).abs().mean() + (dy(output) - dy(target)).abs().mean();
}

fs::path staging_dir(const fs::path& out) { return out / "checkpoint.tmp"; }

void write_checkpoint(const fs::path& out, const engine::ModelConfig& config, engine::FrameAutoencoderImpl& model,
                      const AdamW& optimizer, const AutoencoderTrainOptions& options, const RunState& run) {
  const fs::path staging = staging_dir(out), target = autoencoder_checkpoint_dir(out), previous = out / "checkpoint.old";
  fs::remove_all(staging);
  fs::create_directories(staging);
  engine::save_model_config(config, staging);
  engine::save_weights(model, staging / "autoencoder.safetensors", engine::DType::F32);
  engine::write_safetensors(staging / "optimizer.safetensors", optimizer.state());
  json state = {{"step", run.step},
                      {"frames_seen", run.frames_seen},
                      {"seconds", run.seconds},
                      {"ema_loss", run.ema_loss},
                      {"command_line", options.command_line},
                      {"hyperparameters", hyperparameters(options)}};
  if (!options.decoder_of.empty()) state["decoder_of"] = options.decoder_of.string();
  write_file_atomic(staging / "state.json", state.dump(2) + "\n");
  fs::remove_all(previous);
  if (fs::exists(target)) fs::rename(target, previous);
  fs::rename(staging, target);
  fs::remove_all(previous);
}

RunState read_state(const fs::path& dir, AutoencoderTrainOptions& options) {
  RunState run;
  try {
    const json state = json::parse(read_file(dir / "state.json"));
    run.step = state.at("step").get<std::int64_t>();
    run.frames_seen = state.at("frames_seen").get<std::int64_t>();
    run.seconds = state.at("seconds").get<double>();
    run.ema_loss = state.at("ema_loss").get<double>();
    apply_hyperparameters(state.at("hyperparameters"), options);
    if (state.contains("command_line")) options.command_line = state["command_line"].get<std::string>();
    // A decoder-only run stays one when resumed (and still writes its model at the end).
    options.decoder_of = state.contains("decoder_of") ? fs::path(state["decoder_of"].get<std::string>()) : fs::path();
  } catch (const json::exception& e) {
    throw Error(std::string("checkpoint state is unreadable: ") + e.what(), (dir / "state.json").string(),
                "delete the checkpoint and train the autoencoder again");
  }
  return run;
}

Clip clip_of(const torch::Tensor& frames) {
  torch::Tensor bytes = frames.detach().to(torch::kCPU, torch::kFloat32).add(1.0).mul(127.5).round().clamp(0, 255)
                            .to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous();
  Clip clip;
  for (std::int64_t i = 0; i < bytes.size(0); ++i) {
    Image image(static_cast<int>(bytes.size(2)), static_cast<int>(bytes.size(1)));
    std::memcpy(image.rgb.data(), bytes[i].data_ptr<std::uint8_t>(), image.rgb.size());
    clip.frames.push_back(std::move(image));
  }
  return clip;
}

// Writes out/model: the model of `options.decoder_of` with `coder`'s weights as its autoencoder, in
// the model's own weight dtype, its config recording the decoder run.
fs::path write_model_with_decoder(const AutoencoderTrainOptions& options, engine::FrameAutoencoderImpl& coder,
                                  const RunState& run) {
  engine::Engine engine = engine::Engine::load(options.decoder_of, engine::DeviceChoice::Cpu);
  engine::Engine::Impl& impl = engine.impl();
  engine::load_weights(*impl.model->autoencoder, engine::weights_to_safetensors(coder, engine::DType::F32),
                       "the trained decoder");
  json training = impl.config.training_json.empty() ? json::object() : json::parse(impl.config.training_json);
  training["decoder"] = {{"source", options.decoder_of.string()},
                         {"step", run.step},
                         {"frames_seen", run.frames_seen},
                         {"seconds", run.seconds},
                         {"ema_loss", run.ema_loss},
                         {"command_line", options.command_line},
                         {"hyperparameters", hyperparameters(options)}};
  impl.config.training_json = training.dump();
  // Staged and renamed as a whole, so a stopped run never leaves half a model behind.
  const fs::path target = options.out_dir / "model", staging = options.out_dir / "model.tmp";
  fs::remove_all(staging);
  engine.save(staging, impl.weights_dtype);
  fs::remove_all(target);
  fs::rename(staging, target);
  return target;
}

// Eight held-out frames side by side, originals above their reconstructions (what the decoder draws).
void write_preview(const torch::Tensor& frames, const torch::Tensor& decoded, const fs::path& path) {
  const auto count = std::min<std::int64_t>(8, frames.size(0));
  auto strip = [&](const torch::Tensor& x) {
    return torch::cat(x.narrow(0, 0, count).unbind(0), 2);  // [3, H, count·W]
  };
  const Clip sheet = clip_of(torch::cat({strip(frames), strip(decoded)}, 1).unsqueeze(0));
  media::write_png(path, sheet.frames.front());
}

// Reconstruction of held-out frames: PSNR (dB) and the structure ratio of analyze/sharpness.h
// (decoded ÷ original; 1 = as crisp as the world), averaged over the trained sizes.
void measure_reconstruction(engine::FrameAutoencoderImpl& model, const engine::ModelConfig& config, std::uint64_t seed,
                            const torch::Device& device, const fs::path& preview, AutoencoderSummary& summary) {
  torch::NoGradGuard no_grad;
  double psnr = 0.0, structure = 0.0;
  for (const engine::FrameSize& size : config.trained_sizes) {
    torch::Tensor frames = world_frames(kValidationFrames, 4, size, seed ^ kHeldOutSalt, 1u << 20).to(device);
    torch::Tensor decoded = model.decode_raw(model.encode_raw(frames)).clamp(-1.0, 1.0);
    const double mse = (decoded - frames).div(2.0).pow(2).mean().item<double>();
    psnr += 10.0 * std::log10(1.0 / std::max(mse, 1e-12));
    const double original = analyze::measure_sharpness(clip_of(frames)).structure;
    structure += original > 0.0 ? analyze::measure_sharpness(clip_of(decoded)).structure / original : 0.0;
    if (!preview.empty() && &size == &config.trained_sizes.front()) write_preview(frames, decoded, preview);
  }
  const auto sizes = static_cast<double>(config.trained_sizes.size());
  summary.validation_psnr = psnr / sizes;
  summary.validation_structure_ratio = structure / sizes;
}

}  // namespace

fs::path autoencoder_checkpoint_dir(const fs::path& out_dir) { return out_dir / "checkpoint"; }

void AutoencoderTrainOptions::validate() const {
  auto require = [](bool ok, const std::string& what, const std::string& option) {
    if (!ok) throw Error(what, option, "see `shotgen model train-autoencoder --help`");
  };
  require(!out_dir.empty(), "an output directory is required", "--out");
  require(max_steps >= 0, "must not be negative", "--steps");
  require(minutes >= 0.0, "must not be negative", "--minutes");
  require(max_steps > 0 || minutes > 0.0, "training needs a step limit or a time budget", "--steps/--minutes");
  require(batch_frames >= 1 && batch_frames <= 4096, "must be in [1, 4096]", "--batch");
  require(frames_per_clip >= 1 && frames_per_clip <= 64, "must be in [1, 64]", "--frames-per-clip");
  require(learning_rate > 0.0 && learning_rate < 1.0, "must be in (0, 1)", "--lr");
  require(final_learning_rate_fraction >= 0.0 && final_learning_rate_fraction <= 1.0, "must be in [0, 1]",
          "--final-lr-fraction");
  require(warmup_steps >= 0, "must not be negative", "--warmup");
  require(edge_weight >= 0.0 && edge_weight <= 100.0, "must be in [0, 100]", "--edge-weight");
  require(latent_noise >= 0.0 && latent_noise <= 10.0, "must be in [0, 10]", "--latent-noise");
  require(gradient_clip > 0.0, "must be positive", "--clip");
  require(checkpoint_every >= 0, "must not be negative", "--checkpoint-every");
  require(log_every >= 1, "must be at least 1", "--log-every");
  require(threads >= 0, "must not be negative", "--threads");
  require((crop.width == 0 && crop.height == 0) ||
              (crop.width >= 16 && crop.height >= 16 && crop.width % 16 == 0 && crop.height % 16 == 0),
          "must be 0x0 (whole frames) or multiples of 16", "--crop");
}

AutoencoderSummary train_autoencoder(const AutoencoderTrainOptions& requested,
                                     const std::function<void(const AutoencoderProgress&)>& on_log) {
  requested.validate();
  AutoencoderTrainOptions options = requested;
  engine::apply_cpu_threads({.torch = options.threads, .blas = 0});
  const torch::Device device = engine::resolve_device(engine::parse_device_choice(options.device));
  const fs::path out = options.out_dir;
  fs::create_directories(out);

  const fs::path checkpoint = autoencoder_checkpoint_dir(out);
  const bool has_checkpoint = fs::exists(checkpoint / "state.json");
  engine::ModelConfig config;
  RunState run;
  if (options.resume) {
    if (!has_checkpoint)
      throw Error("no checkpoint to resume from", checkpoint.string(),
                  "train without --resume first, or pass the --out of an earlier run");
    config = engine::load_model_config(checkpoint);
    run = read_state(checkpoint, options);
  } else {
    if (has_checkpoint)
      throw Error("the output directory already holds a checkpoint", out.string(),
                  "pass --resume to continue it, or choose another --out");
    if (!options.decoder_of.empty()) {
      config = engine::load_model_config(options.decoder_of);
      if (!config.is_latent())
        throw Error("the model has no autoencoder (it works on pixels): there is no decoder to train",
                    options.decoder_of.string(), "give a latent model's directory to --decoder-of");
    } else {
      config = options.config;
      config.validate("autoencoder config");
      if (!config.is_latent())
        throw Error("an autoencoder needs latent channels", "--latent-channels", "pass e.g. --latent-channels 8");
    }
    for (const engine::FrameSize& size : config.trained_sizes)
      if (options.crop.width > size.width || options.crop.height > size.height)
        throw Error("the crop is larger than the frames", "--crop", "crop at most the smallest of --sizes");
  }

  const bool decoder_only = !options.decoder_of.empty();
  engine::FrameAutoencoder model(config);
  engine::initialize_parameters(*model, engine::InitMode::Training, options.seed);
  if (options.resume) engine::load_weights(*model, checkpoint / "autoencoder.safetensors");
  else if (decoder_only) {
    // The run starts from the model's autoencoder as the engine loads it.
    engine::Engine source = engine::Engine::load(options.decoder_of, engine::DeviceChoice::Cpu);
    engine::load_weights(*model, engine::weights_to_safetensors(*source.impl().model->autoencoder, engine::DType::F32),
                         options.decoder_of.string());
  }
  if (decoder_only)
    for (torch::Tensor& parameter : model->encoder->parameters()) parameter.set_requires_grad(false);
  model->to(device);
  model->train();
  AdamW optimizer(decoder_only ? model->decoder->named_parameters() : model->named_parameters(), {.weight_decay = 0.0});
  if (options.resume)
    optimizer.load_state(engine::read_safetensors(checkpoint / "optimizer.safetensors"),
                         (checkpoint / "optimizer.safetensors").string());
  LossLog loss_log(out / "loss.csv", run.step, options.resume);

  // The schedule only needs max_steps/minutes/warm-up/floor: reuse the denoiser trainer's.
  TrainOptions schedule;
  schedule.learning_rate = options.learning_rate;
  schedule.final_learning_rate_fraction = options.final_learning_rate_fraction;
  schedule.warmup_steps = options.warmup_steps;
  auto progress = [&]() {
    double p = 0.0;
    if (options.max_steps > 0) p = std::max(p, static_cast<double>(run.step) / static_cast<double>(options.max_steps));
    if (options.minutes > 0.0) p = std::max(p, run.seconds / (options.minutes * 60.0));
    return p;
  };
  auto budget_reached = [&]() {
    if (options.max_steps > 0 && run.step >= options.max_steps) return std::string("steps");
    if (options.minutes > 0.0 && run.seconds >= options.minutes * 60.0) return std::string("minutes");
    if (options.stop && options.stop->is_cancelled()) return std::string("request");
    return std::string();
  };
  const int clips_per_step = (options.batch_frames + options.frames_per_clip - 1) / options.frames_per_clip;
  auto make_frames = [&, options](std::int64_t step) {
    const engine::FrameSize size = size_for_step(config, options.seed, step);
    torch::Tensor frames = world_frames(options.batch_frames, options.frames_per_clip, size, options.seed,
                                        static_cast<std::uint64_t>(step) * static_cast<std::uint64_t>(clips_per_step));
    return random_crops(frames, options.crop, config.latent_factor, mix_seed(options.seed ^ 0xC409ull, static_cast<std::uint64_t>(step)));
  };

  std::string stop_reason = budget_reached();
  std::future<torch::Tensor> next;
  if (stop_reason.empty()) next = std::async(std::launch::async, make_frames, run.step);
  std::int64_t last_checkpoint = run.step;
  const auto session_start = Clock::now();
  const double seconds_before = run.seconds;
  at::Generator noise_generator = at::make_generator<at::CPUGeneratorImpl>(options.seed ^ 0x1A7E47ull);
  while (stop_reason.empty()) {
    torch::Tensor frames = next.get().to(device);
    if (!(options.max_steps > 0 && run.step + 1 >= options.max_steps))
      next = std::async(std::launch::async, make_frames, run.step + 1);
    const double lr = learning_rate_at(schedule, run.step, progress());

    model->zero_grad();
    torch::Tensor latents;
    {
      // A frozen encoder needs no graph (its latents' magnitude penalty is then a constant).
      torch::AutoGradMode encoder_grad(!decoder_only);
      latents = model->encode_raw(frames);
    }
    torch::Tensor noise = torch::randn(latents.sizes(), noise_generator, torch::kFloat32).to(device);
    torch::Tensor noisy = latents + options.latent_noise * latents.detach().std() * noise;
    torch::Tensor decoded = model->decode_raw(noisy);
    torch::Tensor loss = (decoded - frames).abs().mean() + 0.5 * (decoded - frames).pow(2).mean() +
                         options.edge_weight * finite_difference_loss(decoded, frames) +
                         kLatentMagnitudePenalty * latents.pow(2).mean();
    loss.backward();
    const double value = loss.item<double>();
    if (!std::isfinite(value))
      throw Error("autoencoder loss became " + std::to_string(value), "model train-autoencoder",
                  "lower --lr or raise --warmup, then train again");
    torch::nn::utils::clip_grad_norm_(model->parameters(), options.gradient_clip);
    optimizer.step(lr);

    run.ema_loss = run.step == 0 ? value : kLossSmoothing * run.ema_loss + (1.0 - kLossSmoothing) * value;
    ++run.step;
    run.frames_seen += options.batch_frames;
    run.seconds = seconds_before + std::chrono::duration<double>(Clock::now() - session_start).count();
    loss_log.append(run.step, value, run.ema_loss, lr, run.seconds);
    stop_reason = budget_reached();
    if (on_log && (run.step % options.log_every == 0 || !stop_reason.empty()))
      on_log({run.step, value, run.ema_loss, lr, run.seconds});
    if (stop_reason.empty() && options.checkpoint_every > 0 && run.step - last_checkpoint >= options.checkpoint_every) {
      write_checkpoint(out, config, *model, optimizer, options, run);
      last_checkpoint = run.step;
    }
  }
  if (next.valid()) next.wait();

  // The latents' statistics on held-out frames: the denoiser works on (z − mean) / std. A decoder-only
  // run keeps the model's: its denoiser learnt those latents.
  model->eval();
  if (!decoder_only) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> raw;
    for (const engine::FrameSize& size : config.trained_sizes)
      raw.push_back(model->encode_raw(world_frames(kStatisticsFrames, 4, size, options.seed ^ kHeldOutSalt, 0).to(device))
                        .flatten(2)
                        .transpose(1, 2)
                        .reshape({-1, config.latent_channels}));
    torch::Tensor all = torch::cat(raw, 0);  // [N, C]
    model->set_latent_statistics(all.view({all.size(0), config.latent_channels, 1, 1}));
  }
  write_checkpoint(out, config, *model, optimizer, options, run);

  AutoencoderSummary summary;
  summary.steps = run.step;
  summary.frames_seen = run.frames_seen;
  summary.seconds = run.seconds;
  summary.final_loss = run.ema_loss;
  summary.preview = out / "reconstruction.png";
  measure_reconstruction(*model, config, options.seed, device, summary.preview, summary);
  summary.stop_reason = stop_reason;
  summary.device = device.str();
  summary.checkpoint = checkpoint;
  if (decoder_only) summary.model = write_model_with_decoder(options, *model, run);
  return summary;
}

}  // namespace shotgen::train
