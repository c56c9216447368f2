#pragma once
// shotgen's local diffusion backend: assembled prompts (positive, negative, weights, references,
// seed) in, clips of frames out, on CUDA when there is one and on the CPU otherwise.
// Torch-free: libtorch stays inside the engine module (pimpl).
//
// Guidance (rectified flow; the model predicts v = ε − x0 and sampling runs t = 1 → 0):
//   two branches (default):  v = v_neg + s·(v_pos − v_neg)
//       — the negative prompt takes the place of the unconditional branch; an empty negative is
//         the empty prompt (the start token alone), i.e. classic classifier-free guidance.
//   three branches (negative_scale = n set):
//                            v = v_unc + s·(v_pos − v_unc) − n·(v_neg − v_unc)
//       — pull toward the positive (s) and push away from the negative (n) tuned independently.
// All branches of all requests of a batch run in one model forward per step (batch = requests ×
// branches). References condition the positive branch only, so guidance amplifies them like the
// positive prompt.
// Prompt weights ("(term:1.3)", see prompt/weighting.h): a token of weight w gets ln(w) added to its
// cross-attention logits, i.e. its unnormalised attention mass is multiplied by w (w ≤ 0 removes
// the token); the pooled prompt embedding is the w-weighted mean of the tokens.
// Determinism: each request's noise comes from its own seed (CPU generator), so the same request
// gives bit-identical frames on the CPU whatever else is in its batch; on CUDA (bf16) results agree
// within bf16 tolerance.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/camera_motion.h"
#include "core/image.h"
#include "engine/model/config.h"

namespace shotgen::engine {

struct ReferenceImage {
  Image image;
  // Dimensions whose token groups are dropped: palette, lighting, texture, composition. Other
  // names (background, lens flare, …) are accepted and have no token group to drop.
  std::vector<std::string> ignore;
};

struct GenerationRequest {
  std::string positive;
  std::string negative;
  std::uint64_t seed = 0;
  int frames = 16;
  int width = 64;   // multiple of 16
  int height = 32;  // multiple of 16
  std::vector<ReferenceImage> references;
  // Frame conditioning_indices[i] of the clip is given clean as conditioning_frames[i] (same size
  // as the clip): image-to-video, continuing from another shot's last frame. Output frames at
  // these indices equal the given frames exactly.
  std::vector<Image> conditioning_frames;
  std::vector<int> conditioning_indices;
  // How the camera moves the content per frame, in pixels of this clip (world::content_motion of the
  // prompt's camera move): with SamplerSettings::noise_follows_camera the shared part of the starting
  // noise moves so, and the model draws the move. Static: no motion.
  CameraMotion camera_motion;
  // A clip to start from instead of pure noise (one frame per clip frame, at the clip's size; empty:
  // none), e.g. the shot's layout guide (world/layout_guide.h): with SamplerSettings::guide_share g
  // sampling starts at t = 1 − g from the guide noised as training noises a clip, so the model
  // takes the guide's coarse layout and motion and draws everything else itself.
  std::vector<Image> guide_frames;
};

struct SamplerSettings {
  enum class Method { Euler, Heun };
  int steps = 20;
  // Timestep shift s: t' = s·t / (1 + (s−1)·t). s > 1 spends more steps at high noise (global
  // structure); 1 keeps the uniform schedule, which suits the small default resolution.
  double shift = 1.0;
  Method method = Method::Euler;
  double guidance = 5.0;                // s in the formulas above
  std::optional<double> negative_scale;  // n; set → three-branch guidance
  // Share a of each frame's starting noise that all frames of the clip have in common:
  // ε_f = √(1−a)·ε_f' + √a·ε_shared (each frame still unit-variance noise). 0 = independent frames.
  double frame_noise_correlation = 0.0;
  // The shared part moves as each request's camera_motion asks (for models
  // trained so: config noise_follows_camera). Without a correlation there is no shared part to move.
  bool noise_follows_camera = false;
  // Share of each request's guide_frames in the starting point, in [0, 0.5]: x = g·guide + (1−g)·ε
  // at t = 1 − g, then `steps` steps from there to 0. 0 = pure noise (requests carry no guide);
  // above 0 every request of the batch carries one.
  double guide_share = 0.0;
};

enum class DeviceChoice { Auto, Cpu, Cuda };  // Auto = CUDA if available, else CPU

struct ModelInfo {
  std::string architecture;
  std::int64_t parameter_count = 0;
  int vocabulary_words = 0;
  int hash_buckets = 0;
  int vocabulary_size = 0;  // 2 special ids + words + hash buckets
  int window_frames = 0;
  std::vector<FrameSize> trained_sizes;
  std::string weights_dtype;  // dtype in weights.safetensors ("F32", "F16", "BF16"; "F32" for random)
  std::string compute_dtype;  // "float32" on the CPU, "bfloat16 autocast" on CUDA
  std::string device;         // "cpu", "cuda:0"
  std::filesystem::path model_dir;  // empty for a random model
  ModelConfig config;
};

// step counts 1..total_steps within a window; window counts 1..windows.
using ProgressCallback = std::function<void(int step, int total_steps, int window, int windows)>;

// Set from any thread; generate() checks it before every step.
struct CancelToken {
  std::atomic<bool> cancelled{false};
  void cancel() { cancelled.store(true); }
  bool is_cancelled() const { return cancelled.load(); }
};

// Thrown by Engine::generate when its CancelToken was set.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("generation cancelled") {}
};

class Engine {
 public:
  // Reads DIR/config.json, DIR/vocab.txt and DIR/weights.safetensors. Throws shotgen::Error.
  static Engine load(const std::filesystem::path& model_dir, DeviceChoice device = DeviceChoice::Auto);
  // A model with random weights (tests, benchmarks). Deterministic for a seed.
  static Engine create_random(const ModelConfig& config, std::uint64_t seed, DeviceChoice device = DeviceChoice::Cpu);

  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  ~Engine();

  ModelInfo info() const;

  // All requests must share frames, width and height. Returns one clip per request. Throws
  // shotgen::Error for bad requests and failures (kind OutOfMemory when memory ran out,
  // ModelFailure for non-finite output or any other fault inside libtorch), Cancelled when
  // `cancel` is set.
  std::vector<Clip> generate(const std::vector<GenerationRequest>& batch, const SamplerSettings& settings,
                             const ProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

  // Writes config.json, vocab.txt and weights.safetensors (in `dtype`: "F32", "F16" or "BF16").
  void save(const std::filesystem::path& model_dir, const std::string& dtype = "F32") const;

  struct Impl;
  // For engine-internal code and the trainer (engine/runtime/engine_impl.h).
  Impl& impl() { return *impl_; }

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  // generate() without the translation of libtorch's exceptions into shotgen::Error.
  std::vector<Clip> generate_checked(const std::vector<GenerationRequest>& batch, const SamplerSettings& settings,
                                     const ProgressCallback& progress, const CancelToken* cancel);
  std::unique_ptr<Impl> impl_;
};

// The model directory used when none is given: $SHOTGEN_MODEL_DIR, else <source dir>/models/default.
std::filesystem::path default_model_dir();
// `given` (a --model option) when not empty, else default_model_dir().
std::filesystem::path model_dir_or_default(const std::string& given);

DeviceChoice parse_device_choice(const std::string& text);  // "auto" | "cpu" | "cuda"; throws shotgen::Error
SamplerSettings::Method parse_sampler_method(const std::string& text);  // "euler" | "heun"

}  // namespace shotgen::engine
