#pragma once
// Generation backends: what the router can send a shot to. A backend declares its capabilities
// (prompt::BackendCaps), turns the film's [render] settings into the parameters a job records
// (RenderParams, part of the job's identity), and renders batches of jobs that share those
// parameters in one model forward per step.
//
// The shipped backends both run the default model (one Engine, loaded on first use and shared):
//   final  Euler, caps.default_steps (24) steps, negative-prompt guidance at caps.default_guidance;
//          [render] steps / guidance / negative_scale override these.
//   turbo  distilled-style draft: caps.default_steps (6) Euler steps at the lower
//          caps.default_guidance, so negatives bite less (caps.distilled); [render] overrides do
//          not apply, a draft stays a few-step draft.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/image.h"
#include "engine/engine.h"
#include "film/film.h"
#include "prompt/backend_caps.h"

namespace shotgen::render {

// Everything that determines a generation besides the prompts and the seed.
struct RenderParams {
  std::string model;    // model id: "<model dir name>@<hash of config and weights>"
  std::string sampler;  // "euler" | "heun"
  int steps = 0;
  double shift = 1.0;
  double frame_noise_correlation = 0.0;  // share of the starting noise the frames have in common
  bool noise_follows_camera = false;     // that share moves as the prompt's camera move asks
  double layout_guide = 0.0;             // share of the shot's layout guide in the starting point (0: none)
  double guidance = 0.0;
  std::optional<double> negative_scale;
  int width = 0;  // generation size (multiples of 16)
  int height = 0;
  int frames = 0;
  bool operator==(const RenderParams&) const = default;

  // Canonical JSON (sorted keys), stored in jobs.params_json / takes.params_json.
  std::string to_json() const;
  // Throws shotgen::Error for missing keys.
  static RenderParams from_json(std::string_view text);
};

// A reference image with the dimensions the shot must not copy from it.
struct JobReference {
  Image image;
  std::vector<std::string> ignore;
};

// One job as a backend sees it.
struct JobSpec {
  std::string job_id;
  std::string shot_id;
  int take_index = 0;
  std::string positive;
  std::string negative;
  std::uint64_t seed = 0;
  RenderParams params;  // identical for every job of a batch
  std::vector<JobReference> references;
};

// step counts 1..total over the whole batch (all frame windows).
using BatchProgress = std::function<void(int step, int total)>;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const prompt::BackendCaps& caps() const = 0;
  const std::string& name() const { return caps().name; }
  // The parameters a job on this backend records, for a shot of `frames` frames.
  virtual RenderParams params(const film::RenderSettings& settings, int frames) const = 0;
  // One clip per job, in order; every job shares frames, size and params. Throws
  // engine::Cancelled when `cancel` is set, shotgen::Error (or std::bad_alloc) on failure.
  virtual std::vector<Clip> render(const std::vector<JobSpec>& batch, const BatchProgress& progress,
                                   const engine::CancelToken* cancel) = 0;
  // Largest batch this backend takes in one forward.
  virtual int max_batch() const { return 4; }
};

// The default model, loaded once on first use and shared by the backends that run it.
class SharedEngine {
 public:
  SharedEngine(std::filesystem::path model_dir, engine::DeviceChoice device);
  // "<dir name>@<first 12 hex of sha256(config.json + vocabulary + weights)>"; reads the files
  // (not the network) once. Throws shotgen::Error naming the directory when the model is missing.
  const std::string& model_id();
  // What the model's config.json says its weights were trained for: the sampler's timestep shift
  // (sampling_shift), the starting noise's frame correlation (frame_noise_correlation), whether
  // its shared part follows the camera (noise_follows_camera) and the model's window.
  struct TrainedSampling {
    double shift = 1.0;
    double frame_noise_correlation = 0.0;
    bool noise_follows_camera = false;
    int window_frames = 8;
  };
  TrainedSampling trained_sampling();
  engine::Engine& get();
  const std::filesystem::path& model_dir() const { return model_dir_; }

 private:
  std::filesystem::path model_dir_;
  engine::DeviceChoice device_;
  std::mutex mutex_;
  std::optional<std::string> model_id_;
  std::optional<TrainedSampling> trained_sampling_;
  std::unique_ptr<engine::Engine> engine_;
};

// A backend on the engine: `final` or `turbo`.
class EngineBackend : public Backend {
 public:
  EngineBackend(prompt::BackendCaps caps, std::shared_ptr<SharedEngine> engine);
  const prompt::BackendCaps& caps() const override { return caps_; }
  RenderParams params(const film::RenderSettings& settings, int frames) const override;
  std::vector<Clip> render(const std::vector<JobSpec>& batch, const BatchProgress& progress,
                           const engine::CancelToken* cancel) override;

 private:
  prompt::BackendCaps caps_;
  std::shared_ptr<SharedEngine> engine_;
};

class BackendRegistry {
 public:
  // The shipped backends (final, turbo; prompt::default_caps()) on the model in `model_dir`.
  static BackendRegistry shipped(const std::filesystem::path& model_dir,
                                 engine::DeviceChoice device = engine::DeviceChoice::Auto);
  BackendRegistry() = default;

  // Adds (or replaces, by name) a backend.
  void add(std::shared_ptr<Backend> backend);
  // Throws shotgen::Error naming the known backends for an unknown name.
  Backend& get(const std::string& name) const;
  bool has(const std::string& name) const;
  // Capabilities of every backend, in registration order (router and lint input).
  std::vector<prompt::BackendCaps> caps() const;

 private:
  std::vector<std::shared_ptr<Backend>> backends_;
};

// True for errors that mean the device ran out of memory: std::bad_alloc, and the engine's errors
// of kind OutOfMemory (it translates libtorch's out-of-memory failures, CPU and CUDA).
bool is_out_of_memory(const std::exception& error);

}  // namespace shotgen::render
