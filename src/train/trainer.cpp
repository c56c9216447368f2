#include "train/trainer.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>
#include <type_traits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "engine/io/safetensors.h"
#include "engine/io/weights.h"
#include "engine/model/shot_model.h"
#include "engine/runtime/cpu_threads.h"
#include "engine/runtime/engine_impl.h"
#include "train/adamw.h"
#include "train/compound_embedding.h"
#include "train/flow_loss.h"
#include "train/loss_log.h"
#include "train/training_batch.h"
#include "train/vocabulary.h"

namespace shotgen::train {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kLossSmoothing = 0.98;

// The hyperparameters that define a run, each named once: written to state.json and read back
// when the run resumes (a resumed run keeps them). `absent` is what a checkpoint from before the
// key existed ran with; without one the key is required.
template <class Options, class Visit>
void visit_hyperparameters(Options& o, Visit&& visit) {
  const std::optional<int> required_int;
  const std::optional<double> required;
  visit("batch_size", o.batch_size, required_int);
  visit("frames", o.frames, required_int);
  visit("learning_rate", o.learning_rate, required);
  visit("final_learning_rate_fraction", o.final_learning_rate_fraction, required);
  visit("warmup_steps", o.warmup_steps, required_int);
  visit("weight_decay", o.weight_decay, required);
  visit("ema_decay", o.ema_decay, required);
  visit("gradient_clip", o.gradient_clip, required);
  visit("conditioning_probability", o.conditioning_probability, required);
  visit("uniform_time_share", o.uniform_time_share, std::optional<double>(0.0));  // before: logit-normal only
  visit("time_shift", o.time_shift, std::optional<double>(1.0));                  // before: unshifted
  visit("filler_probability", o.filler_probability, std::optional<double>(0.0));
  visit("multiscale_loss_weight", o.multiscale_loss_weight, std::optional<double>(0.0));  // before: MSE only
  visit("offset_noise", o.offset_noise, std::optional<double>(0.0));                      // before: none
  visit("frame_noise_correlation", o.frame_noise_correlation, std::optional<double>(0.0));  // before: none
  visit("noise_follows_camera", o.noise_follows_camera, std::optional<bool>(false));       // before: still
  visit("camera_noise_subcells", o.camera_noise_subcells, std::optional<int>(1));          // before: whole cells
  visit("figure_loss_weight", o.figure_loss_weight, std::optional<double>(1.0));           // before: cells alike
  visit("layout_noise", o.layout_noise, std::optional<double>(0.0));                      // before: none
  visit("seed", o.seed, std::optional<std::uint64_t>());
}

json hyperparameters(const TrainOptions& o) {
  json h;
  visit_hyperparameters(o, [&](const char* key, const auto& value, const auto&) { h[key] = value; });
  return h;
}

void apply_hyperparameters(const json& h, TrainOptions& o) {
  visit_hyperparameters(o, [&](const char* key, auto& value, const auto& absent) {
    if (absent && !h.contains(key)) value = *absent;
    else value = h.at(key).template get<std::decay_t<decltype(value)>>();
  });
}

struct RunState {
  std::int64_t step = 0;
  std::uint64_t clips_seen = 0;
  double seconds = 0.0;
  double ema_loss = 0.0;
  double last_loss = 0.0;
  std::string device;
  json autoencoder_training;  // a latent model's autoencoder stage (its state.json), null otherwise
  json initialised_from;      // the run whose weights this one started from (--init-from), null otherwise
};

fs::path checkpoint_dir(const fs::path& out) { return out / "checkpoint"; }

// A checkpoint that a crash interrupted between its two renames survives as checkpoint.old.
fs::path existing_checkpoint(const fs::path& out) {
  if (fs::exists(checkpoint_dir(out) / "state.json")) return checkpoint_dir(out);
  if (fs::exists(out / "checkpoint.old" / "state.json")) return out / "checkpoint.old";
  return {};
}

json read_json_file(const fs::path& path) {
  try {
    return json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), path.string(), "delete the checkpoint and train again");
  }
}

// The files of one checkpoint, written into `staging`.
void write_checkpoint_files(const fs::path& staging, const engine::ModelConfig& config, engine::ShotModelImpl& model,
                            engine::ShotModelImpl& ema, const AdamW& optimizer, const TrainOptions& options,
                            const RunState& state) {
  engine::save_model_config(config, staging);
  engine::save_weights(model, staging / "model.safetensors", engine::DType::F32);
  engine::save_weights(ema, staging / "ema.safetensors", engine::DType::F32);
  engine::write_safetensors(staging / "optimizer.safetensors", optimizer.state());
  json state_json = {{"step", state.step},
                     {"clips_seen", state.clips_seen},
                     {"seconds", state.seconds},
                     {"ema_loss", state.ema_loss},
                     {"last_loss", state.last_loss},
                     {"device", state.device},
                     {"command_line", options.command_line},
                     {"hyperparameters", hyperparameters(options)}};
  if (!state.autoencoder_training.is_null()) state_json["autoencoder_training"] = state.autoencoder_training;
  if (!state.initialised_from.is_null()) state_json["initialised_from"] = state.initialised_from;
  write_file_atomic(staging / "state.json", state_json.dump(2) + "\n");
}

void write_checkpoint(const fs::path& out, const engine::ModelConfig& config, engine::ShotModelImpl& model,
                      engine::ShotModelImpl& ema, const AdamW& optimizer, const TrainOptions& options,
                      const RunState& state) {
  const fs::path staging = out / "checkpoint.tmp";
  const fs::path target = checkpoint_dir(out);
  const fs::path previous = out / "checkpoint.old";
  fs::remove_all(staging);
  fs::create_directories(staging);
  try {
    write_checkpoint_files(staging, config, model, ema, optimizer, options, state);
  } catch (...) {
    // A full disk: the half-written staging folder would only hold on to the space the user must free.
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
  fs::remove_all(previous);
  if (fs::exists(target)) fs::rename(target, previous);
  fs::rename(staging, target);
  fs::remove_all(previous);
}

RunState read_state(const fs::path& dir, TrainOptions& options) {
  const json state = read_json_file(dir / "state.json");
  RunState run;
  try {
    run.step = state.at("step").get<std::int64_t>();
    run.clips_seen = state.at("clips_seen").get<std::uint64_t>();
    run.seconds = state.at("seconds").get<double>();
    run.ema_loss = state.at("ema_loss").get<double>();
    run.last_loss = state.at("last_loss").get<double>();
    run.device = state.value("device", std::string("cpu"));
    if (state.contains("autoencoder_training")) run.autoencoder_training = state["autoencoder_training"];
    if (state.contains("initialised_from")) run.initialised_from = state["initialised_from"];
    apply_hyperparameters(state.at("hyperparameters"), options);
    // The command that started the run is what reproduces it, not the one that resumed it.
    if (state.contains("command_line")) options.command_line = state["command_line"].get<std::string>();
  } catch (const json::exception& e) {
    throw Error(std::string("checkpoint state is incomplete: ") + e.what(), (dir / "state.json").string(),
                "delete the checkpoint and train again");
  }
  return run;
}

// What --init-from started from: a checkpoint's state.json, or an exported model's training summary
// (the `training` object of its config, already loaded as `config`).
json source_run(const fs::path& source, const engine::ModelConfig& config) {
  json run;
  if (fs::exists(source / "state.json")) run = read_json_file(source / "state.json");
  else if (!config.training_json.empty()) run = json::parse(config.training_json);
  run["source"] = source.string();
  return run;
}

void copy_parameters(engine::ShotModelImpl& from, engine::ShotModelImpl& to) {
  torch::NoGradGuard no_grad;
  auto source = from.named_parameters();
  for (auto& item : to.named_parameters()) item.value().copy_(source[item.key()]);
}

// EMA with a warm-up: the decay is min(ema_decay, (1 + k) / (10 + k)) at update k, so a short run's
// EMA follows the fast-moving early weights instead of staying near the initialisation.
void update_ema(engine::ShotModelImpl& ema, engine::ShotModelImpl& model, double ema_decay, std::int64_t update) {
  torch::NoGradGuard no_grad;
  const double k = static_cast<double>(update);
  const double decay = std::min(ema_decay, (1.0 + k) / (10.0 + k));
  auto current = model.named_parameters();
  for (auto& item : ema.named_parameters()) item.value().mul_(decay).add_(current[item.key()], 1.0 - decay);
}

// One optimisation step; returns the plain velocity MSE (comparable across loss settings).
double training_step(engine::ShotModelImpl& model, AdamW& optimizer, const TrainingBatch& batch, double lr,
                     const TrainOptions& options, const torch::Device& device) {
  torch::Tensor clean = batch.clean.to(device), noise = batch.noise.to(device);
  torch::Tensor t = batch.t.to(device), given = batch.given.to(device);
  torch::Tensor t5 = t.view({-1, 1, 1, 1, 1});
  // Given frames enter clean, as the sampler holds them; the loss ignores them.
  torch::Tensor x_t = given * clean + (1 - given) * ((1 - t5) * clean + t5 * noise);
  torch::Tensor target = noise - clean;

  model.zero_grad();
  torch::Tensor velocity;
  {
    engine::CudaAutocast autocast(device.is_cuda());  // bf16 forward on CUDA, f32 on the CPU
    engine::Context context = model.encode_context(batch.context.to(device));
    velocity = model.forward(x_t, t, clean, given, context);
  }
  const torch::Tensor cell_weight = batch.loss_weight.defined() ? batch.loss_weight.to(device) : torch::Tensor();
  const FlowLoss loss = flow_loss(velocity, target, given, options.multiscale_loss_weight, cell_weight);
  loss.total.backward();
  const double total = loss.total.item<double>();
  if (!std::isfinite(total))
    throw Error("training loss became " + std::to_string(total), "model train",
                "lower --lr or raise --warmup, then train again from the last good checkpoint");
  torch::nn::utils::clip_grad_norm_(model.parameters(), options.gradient_clip);
  optimizer.step(lr);
  return loss.mse.item<double>();
}

}  // namespace

void TrainOptions::validate() const {
  auto require = [](bool ok, const std::string& what, const std::string& option) {
    if (!ok) throw Error(what, option, "see `shotgen model train --help`");
  };
  require(!out_dir.empty(), "an output directory is required", "--out");
  require(max_steps >= 0, "must not be negative", "--steps");
  require(minutes >= 0.0, "must not be negative", "--minutes");
  require(max_steps > 0 || minutes > 0.0, "training needs a step limit or a time budget", "--steps/--minutes");
  require(batch_size >= 1, "must be at least 1", "--batch");
  require(frames >= 1, "must be at least 1", "--frames");
  require(learning_rate > 0.0, "must be positive", "--lr");
  require(final_learning_rate_fraction >= 0.0 && final_learning_rate_fraction <= 1.0, "must be in [0, 1]",
          "--final-lr-fraction");
  require(warmup_steps >= 0, "must not be negative", "--warmup");
  require(weight_decay >= 0.0, "must not be negative", "--weight-decay");
  require(ema_decay >= 0.0 && ema_decay < 1.0, "must be in [0, 1)", "--ema-decay");
  require(gradient_clip > 0.0, "must be positive", "--clip");
  require(conditioning_probability >= 0.0 && conditioning_probability <= 1.0, "must be in [0, 1]",
          "--conditioning-probability");
  require(uniform_time_share >= 0.0 && uniform_time_share <= 1.0, "must be in [0, 1]", "--uniform-t-share");
  require(time_shift > 0.0 && time_shift <= 100.0, "must be in (0, 100]", "--time-shift");
  require(filler_probability >= 0.0 && filler_probability <= 1.0, "must be in [0, 1]", "--filler-probability");
  require(multiscale_loss_weight >= 0.0 && multiscale_loss_weight <= 100.0, "must be in [0, 100]",
          "--multiscale-loss");
  require(offset_noise >= 0.0 && offset_noise <= 10.0, "must be in [0, 10]", "--offset-noise");
  require(frame_noise_correlation >= 0.0 && frame_noise_correlation < 1.0, "must be in [0, 1)",
          "--frame-noise-correlation");
  require(!noise_follows_camera || frame_noise_correlation > 0.0,
          "moves the noise the frames share; pass --frame-noise-correlation too (e.g. 0.5)", "--noise-follows-camera");
  require(camera_noise_subcells >= 1 && camera_noise_subcells <= 8, "must be in [1, 8]", "--camera-noise-subcells");
  require(figure_loss_weight >= 1.0 && figure_loss_weight <= 20.0, "must be in [1, 20]", "--figure-loss-weight");
  require(layout_noise >= 0.0 && layout_noise <= 10.0, "must be in [0, 10]", "--layout-noise");
  require(camera_noise_subcells == 1 || noise_follows_camera,
          "says how finely the noise follows the camera; pass --noise-follows-camera too", "--camera-noise-subcells");
  require(init_from.empty() || !resume, "--resume continues this run; --init-from starts a new one from another",
          "--init-from");
  require(!compound_words || !resume, "a resumed run keeps its checkpoint's vocabulary", "--compound-words");
  require(init_from.empty() || autoencoder_dir.empty(), "the weights of --init-from bring their own autoencoder",
          "--autoencoder");
  require(checkpoint_every >= 0, "must not be negative", "--checkpoint-every");
  require(log_every >= 1, "must be at least 1", "--log-every");
  require(threads >= 0, "must not be negative", "--threads");
  require(device == "auto" || device == "cpu" || device == "cuda", "must be auto, cpu or cuda", "--device");
}

double learning_rate_at(const TrainOptions& options, std::int64_t step, double progress) {
  if (step < options.warmup_steps)
    return options.learning_rate * static_cast<double>(step + 1) / static_cast<double>(options.warmup_steps + 1);
  const double p = std::clamp(progress, 0.0, 1.0);
  const double floor = options.final_learning_rate_fraction;
  return options.learning_rate * (floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(M_PI * p)));
}

namespace {

// Where a run starts: a checkpoint of its own (--resume), another run's weights (--init-from), or
// nothing (options.config, with the autoencoder of --autoencoder for a latent model).
struct RunStart {
  engine::ModelConfig config;
  RunState run;
  fs::path resume_from;  // the checkpoint continued, if resuming
  // --init-from's config when --compound-words added compound words it lacked: its token embedding
  // gains their rows on load (train/compound_embedding.h).
  std::optional<engine::ModelConfig> compounds_added_to;
};

RunStart start_run(TrainOptions& options, const fs::path& out) {
  RunStart start;
  engine::ModelConfig& config = start.config;
  RunState& run = start.run;
  if (options.resume) {
    start.resume_from = existing_checkpoint(out);
    if (start.resume_from.empty())
      throw Error("no checkpoint to resume from", checkpoint_dir(out).string(),
                  "train without --resume first, or pass the --out of an earlier run");
    config = engine::load_model_config(start.resume_from);
    run = read_state(start.resume_from, options);
    options.validate();
    return start;
  }
  if (!existing_checkpoint(out).empty())
    throw Error("the output directory already holds a checkpoint", out.string(),
                "pass --resume to continue it, or choose another --out");
  if (!options.init_from.empty()) {
    if (!fs::exists(options.init_from / "config.json"))
      throw Error("no trained weights to start from (no config.json)", options.init_from.string(),
                  "pass the checkpoint/ of a `shotgen model train` run or a model directory");
    config = engine::load_model_config(options.init_from);
    run.initialised_from = source_run(options.init_from, config);
    config.pooled_words = config.pooled_words || options.pooled_words;
    if (options.compound_words && config.compound_words.empty()) {
      start.compounds_added_to = config;
      config.compound_words = caption_compound_words();
    }
    config.training_json.clear();
    config.sampling_shift = options.time_shift;
    config.frame_noise_correlation = options.frame_noise_correlation;
    config.noise_follows_camera = options.noise_follows_camera;
    config.camera_noise_subcells = options.camera_noise_subcells;
    if (run.initialised_from.contains("autoencoder_training")) {
      run.autoencoder_training = run.initialised_from["autoencoder_training"];
      run.initialised_from.erase("autoencoder_training");
    } else if (run.initialised_from.contains("autoencoder")) {
      run.autoencoder_training = run.initialised_from["autoencoder"];
      run.initialised_from.erase("autoencoder");
    }
    return start;
  }
  config = options.config;
  config.pooled_words = config.pooled_words || options.pooled_words;
  if (options.compound_words) config.compound_words = caption_compound_words();
  config.sampling_shift = options.time_shift;
  config.frame_noise_correlation = options.frame_noise_correlation;
  config.noise_follows_camera = options.noise_follows_camera;
  config.camera_noise_subcells = options.camera_noise_subcells;
  if (!options.autoencoder_dir.empty()) {
    // A latent model: the autoencoder stage's latent keys, its weights loaded by load_start_weights.
    const engine::ModelConfig coder = engine::load_model_config(options.autoencoder_dir);
    config.latent_channels = coder.latent_channels;
    config.latent_factor = coder.latent_factor;
    config.autoencoder_width = coder.autoencoder_width;
    run.autoencoder_training = read_json_file(options.autoencoder_dir / "state.json");
    run.autoencoder_training.erase("command_line");
    run.autoencoder_training["source"] = options.autoencoder_dir.string();
  }
  config.validate("model config");
  return start;
}

// The weights `model` and its EMA start from, as start_run decided; both are initialised first.
void load_start_weights(engine::ShotModelImpl& model, engine::ShotModelImpl& ema, const TrainOptions& options,
                        const RunStart& start) {
  if (const fs::path& resume_from = start.resume_from; !resume_from.empty()) {
    engine::load_weights(model, resume_from / "model.safetensors");
    engine::load_weights(ema, resume_from / "ema.safetensors");
  } else if (!options.init_from.empty()) {
    const bool checkpoint = fs::exists(options.init_from / "state.json");
    copy_parameters(model, ema);  // what the source lacks (an added word path) starts at the model's init
    // A word path added to a source without one keeps its zero initialisation.
    const engine::MayBeMissing added = [&](const std::string& name) {
      return options.pooled_words && name.rfind("denoiser.word_embed.", 0) == 0;
    };
    auto load = [&](engine::ShotModelImpl& target, const fs::path& file) {
      engine::SafetensorsFile weights = engine::read_safetensors(file);
      if (start.compounds_added_to)  // their embedding rows are appended first
        add_compound_rows(weights, *start.compounds_added_to, model.config.compound_words, file.string());
      engine::load_weights(target, weights, file.string(), added);
    };
    load(model, options.init_from / (checkpoint ? "model.safetensors" : "weights.safetensors"));
    load(ema, options.init_from / (checkpoint ? "ema.safetensors" : "weights.safetensors"));
  } else {
    if (model.config.is_latent()) {
      if (options.autoencoder_dir.empty())
        throw Error("a latent model needs its trained autoencoder", "--autoencoder",
                    "train one with `shotgen model train-autoencoder` and pass its checkpoint directory");
      engine::load_weights(*model.autoencoder, options.autoencoder_dir / "autoencoder.safetensors");
    }
    copy_parameters(model, ema);
  }
}

// The vocabulary's words that no world caption uses: the filler of BatchSpec.
std::vector<std::string> filler_words_of(const engine::ModelConfig& config) {
  std::vector<std::string> vocabulary = config.vocabulary, captions = caption_vocabulary(), filler;
  std::sort(vocabulary.begin(), vocabulary.end());
  std::sort(captions.begin(), captions.end());
  std::set_difference(vocabulary.begin(), vocabulary.end(), captions.begin(), captions.end(),
                      std::back_inserter(filler));
  return filler;
}

}  // namespace

TrainSummary train(const TrainOptions& requested, const std::function<void(const TrainProgress&)>& on_log) {
  requested.validate();
  TrainOptions options = requested;
  // Same torch/BLAS split as the engine (OpenBLAS's own pool would oversubscribe the cores).
  engine::apply_cpu_threads({.torch = options.threads, .blas = 0});
  const torch::Device device = engine::resolve_device(engine::parse_device_choice(options.device));
  const fs::path out = options.out_dir;
  fs::create_directories(out);

  RunStart start = start_run(options, out);
  const engine::ModelConfig& config = start.config;
  RunState& run = start.run;
  const fs::path& resume_from = start.resume_from;
  if (options.frames > config.window_frames)
    throw Error("--frames " + std::to_string(options.frames) + " exceeds the model's window of " +
                    std::to_string(config.window_frames) + " frames",
                "--frames", "train with at most window_frames frames");
  run.device = device.str();
  engine::ShotModel model(config), ema(config);
  engine::initialize_parameters(*model, engine::InitMode::Training, options.seed);
  load_start_weights(*model, *ema, options, start);
  if (model->autoencoder)
    for (auto& parameter : model->autoencoder->parameters()) parameter.set_requires_grad(false);
  model->to(device);
  ema->to(device);
  model->train();
  AdamW optimizer(model->named_parameters(), {.weight_decay = options.weight_decay});
  if (!resume_from.empty())
    optimizer.load_state(engine::read_safetensors(resume_from / "optimizer.safetensors"),
                         (resume_from / "optimizer.safetensors").string());

  const engine::Tokenizer tokenizer(config.vocabulary, config.hash_buckets, config.max_tokens, config.compound_words);
  LossLog loss_log(out / "loss.csv", run.step, options.resume);

  const std::vector<std::string> filler_words = filler_words_of(config);
  auto make_batch = [&, options](std::int64_t step) {
    BatchSpec spec{options.batch_size, options.frames, size_for_step(config, options.seed, step),
                   options.conditioning_probability, options.uniform_time_share, options.seed,
                   config.data_channels(), config.is_latent() ? config.latent_factor : 1, options.time_shift,
                   options.filler_probability, &filler_words, options.offset_noise,
                   options.frame_noise_correlation, options.noise_follows_camera,
                   options.camera_noise_subcells, options.figure_loss_weight, options.layout_noise};
    TrainingBatch batch = make_training_batch(config, tokenizer, spec,
                                              mix_seed(options.seed ^ 0x7E57ull, static_cast<std::uint64_t>(step)),
                                              static_cast<std::uint64_t>(step) * static_cast<std::uint64_t>(options.batch_size));
    // A latent model's frozen autoencoder codes the clips here, on the prefetch thread: with one
    // torch thread for the step, coding the next batch runs on the other core meanwhile.
    if (model->autoencoder) {
      torch::NoGradGuard no_grad;
      engine::CudaAutocast autocast(device.is_cuda());
      batch.clean = model->autoencoder->encode(batch.clean.to(device)).to(torch::kFloat32);
    }
    return batch;
  };
  auto budget_reached = [&]() {
    if (options.max_steps > 0 && run.step >= options.max_steps) return std::string("steps");
    if (options.minutes > 0.0 && run.seconds >= options.minutes * 60.0) return std::string("minutes");
    if (options.stop && options.stop->is_cancelled()) return std::string("request");
    return std::string();
  };
  auto progress = [&]() {
    double p = 0.0;
    if (options.max_steps > 0) p = std::max(p, static_cast<double>(run.step) / static_cast<double>(options.max_steps));
    if (options.minutes > 0.0) p = std::max(p, run.seconds / (options.minutes * 60.0));
    return p;
  };

  // The next batch is built on a background thread while the current step trains.
  std::future<TrainingBatch> next;
  std::string stop_reason = budget_reached();
  if (stop_reason.empty()) next = std::async(std::launch::async, make_batch, run.step);
  std::int64_t last_checkpoint = run.step;
  auto session_start = Clock::now();
  const double seconds_before = run.seconds;
  while (stop_reason.empty()) {
    TrainingBatch batch = next.get();
    if (!(options.max_steps > 0 && run.step + 1 >= options.max_steps))
      next = std::async(std::launch::async, make_batch, run.step + 1);
    const double lr = learning_rate_at(options, run.step, progress());
    const double loss = training_step(*model, optimizer, batch, lr, options, device);
    update_ema(*ema, *model, options.ema_decay, run.step);
    run.ema_loss = run.step == 0 ? loss : kLossSmoothing * run.ema_loss + (1.0 - kLossSmoothing) * loss;
    run.last_loss = loss;
    ++run.step;
    run.clips_seen += static_cast<std::uint64_t>(options.batch_size);
    run.seconds = seconds_before + std::chrono::duration<double>(Clock::now() - session_start).count();

    loss_log.append(run.step, loss, run.ema_loss, lr, run.seconds);
    stop_reason = budget_reached();
    if (on_log && (run.step % options.log_every == 0 || !stop_reason.empty()))
      on_log({run.step, loss, run.ema_loss, lr, run.seconds});
    if (stop_reason.empty()) stop_reason = budget_reached();  // stopped during the callback
    if (stop_reason.empty() && options.checkpoint_every > 0 && run.step - last_checkpoint >= options.checkpoint_every) {
      write_checkpoint(out, config, *model, *ema, optimizer, options, run);
      last_checkpoint = run.step;
    }
  }
  if (next.valid()) next.wait();  // a prefetched batch that will not be used
  if (run.step != last_checkpoint || !fs::exists(checkpoint_dir(out) / "state.json"))
    write_checkpoint(out, config, *model, *ema, optimizer, options, run);

  TrainSummary summary;
  summary.steps = run.step;
  summary.clips_seen = static_cast<std::int64_t>(run.clips_seen);
  summary.seconds = run.seconds;
  summary.final_loss = run.ema_loss;
  summary.stop_reason = stop_reason;
  summary.device = run.device;
  if (options.export_at_end) {
    summary.exported = options.export_dir.value_or(out / "model");
    export_model(checkpoint_dir(out), summary.exported);
  }
  return summary;
}

void export_model(const fs::path& checkpoint, const fs::path& export_dir) {
  if (!fs::exists(checkpoint / "state.json"))
    throw Error("not a training checkpoint (no state.json)", checkpoint.string(),
                "pass the checkpoint/ directory of a `shotgen model train` output");
  engine::ModelConfig config = engine::load_model_config(checkpoint);
  TrainOptions options;
  const RunState run = read_state(checkpoint, options);
  engine::ShotModel ema(config);
  engine::load_weights(*ema, checkpoint / "ema.safetensors");

  const json stored = read_json_file(checkpoint / "state.json");
  json training = {{"steps", run.step},
                   {"clips_seen", run.clips_seen},
                   {"batch_size", options.batch_size},
                   {"frames", options.frames},
                   {"wall_seconds", std::round(run.seconds)},
                   {"device", run.device},
                   {"final_loss", run.ema_loss},
                   {"parameters", engine::parameter_count(*ema)},
                   {"weights", "EMA, f16"},
                   {"hyperparameters", stored.at("hyperparameters")}};
  if (!options.command_line.empty()) training["command"] = options.command_line;
  if (!run.autoencoder_training.is_null()) training["autoencoder"] = run.autoencoder_training;
  if (!run.initialised_from.is_null()) training["initialised_from"] = run.initialised_from;
  config.training_json = training.dump();
  fs::create_directories(export_dir);
  engine::save_model_config(config, export_dir);
  engine::save_weights(*ema, export_dir / "weights.safetensors", engine::DType::F16,
                       {{"format", "shotgen"}, {"weights", "ema"}, {"steps", std::to_string(run.step)}});
}

}  // namespace shotgen::train
