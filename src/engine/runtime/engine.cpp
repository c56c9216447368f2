#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "core/number_text.h"
#include "engine/io/weights.h"
#include "engine/model/cpu_kernels.h"
#include "engine/runtime/cpu_threads.h"
#include "engine/runtime/engine_impl.h"
#include "engine/runtime/starting_noise.h"

namespace shotgen::engine {
namespace {

DType parse_dtype_name(const std::string& text) {
  if (text == "F32") return DType::F32;
  if (text == "F16") return DType::F16;
  if (text == "BF16") return DType::BF16;
  throw Error("unknown weights dtype '" + text + "'", "model save", "use F32, F16 or BF16");
}

// Limits of one request: beyond them a generation would run for hours or exhaust memory.
constexpr int kMaxFrames = 2400;  // 100 s at 24 fps
constexpr int kMaxSide = 1024;
constexpr int kMaxSteps = 1000;
constexpr double kMaxGuidance = 30.0;  // film.toml's [render] guidance has the same range
// Above half the starting point is the guide's: the model would trace it rather than draw (film.toml's
// [render] layout_guide has the same range).
constexpr double kMaxGuideShare = 0.5;

void validate_batch(const ModelConfig& config, const std::vector<GenerationRequest>& batch,
                    const SamplerSettings& settings) {
  if (batch.empty()) throw Error("empty batch", "generate", "pass at least one request");
  const GenerationRequest& first = batch.front();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const GenerationRequest& r = batch[i];
    const std::string where = "request " + std::to_string(i);
    if (r.frames != first.frames || r.width != first.width || r.height != first.height)
      throw Error("requests of one batch must share frames and size (" + std::to_string(r.frames) + " frames " +
                      std::to_string(r.width) + "x" + std::to_string(r.height) + " vs " + std::to_string(first.frames) +
                      " frames " + std::to_string(first.width) + "x" + std::to_string(first.height) + ")",
                  where, "batch only shots of the same size and length");
    if (r.frames < 1 || r.frames > kMaxFrames)
      throw Error(std::to_string(r.frames) + " frames is out of range", where,
                  "generate 1 to " + std::to_string(kMaxFrames) + " frames per shot (split longer shots)");
    if (r.width < 16 || r.height < 16 || r.width % 16 != 0 || r.height % 16 != 0)
      throw Error("size " + std::to_string(r.width) + "x" + std::to_string(r.height) + " is not a multiple of 16",
                  where, "use a size such as 64x32 or 128x64");
    if (r.width > kMaxSide || r.height > kMaxSide)
      throw Error("size " + std::to_string(r.width) + "x" + std::to_string(r.height) + " is larger than " +
                      std::to_string(kMaxSide) + " pixels per side",
                  where, "generate at the model's trained size (model info) and let the encoder scale the takes up");
    const CameraMotion& motion = r.camera_motion;
    if (!std::isfinite(motion.dx) || !std::isfinite(motion.dy) || std::abs(motion.dx) > r.width ||
        std::abs(motion.dy) > r.height || !(motion.scale >= 0.5 && motion.scale <= 2.0))
      throw Error(ErrorKind::OutOfRange,
                  "camera motion (" + std::to_string(motion.dx) + ", " + std::to_string(motion.dy) +
                      " pixels, scale " + std::to_string(motion.scale) + " per frame) is out of range",
                  where, "move at most a frame's width or height per frame and scale by 0.5 to 2 per frame");
    if (r.references.size() > static_cast<std::size_t>(config.max_references))
      throw Error(std::to_string(r.references.size()) + " references, the model takes at most " +
                      std::to_string(config.max_references),
                  where, "use fewer references per shot");
    if (r.conditioning_frames.size() != r.conditioning_indices.size())
      throw Error("conditioning_frames and conditioning_indices differ in length", where,
                  "give one index per conditioning frame");
    for (std::size_t k = 0; k < r.conditioning_frames.size(); ++k) {
      const Image& frame = r.conditioning_frames[k];
      const int index = r.conditioning_indices[k];
      if (index < 0 || index >= r.frames)
        throw Error("conditioning index " + std::to_string(index) + " is outside the clip's " +
                        std::to_string(r.frames) + " frames",
                    where, "use indices in [0, frames)");
      if (frame.width != r.width || frame.height != r.height ||
          frame.rgb.size() != static_cast<std::size_t>(frame.width) * frame.height * 3)
        throw Error("conditioning frame " + std::to_string(index) + " is " + std::to_string(frame.width) + "x" +
                        std::to_string(frame.height) + ", the clip is " + std::to_string(r.width) + "x" +
                        std::to_string(r.height),
                    where, "resize the conditioning frame to the clip's size");
    }
    if (settings.guide_share > 0.0 && r.guide_frames.size() != static_cast<std::size_t>(r.frames))
      throw Error(std::to_string(r.guide_frames.size()) + " guide frames for a clip of " + std::to_string(r.frames) +
                      " frames",
                  where, "give one guide frame per clip frame, or a guide share of 0");
    if (settings.guide_share == 0.0 && !r.guide_frames.empty())
      throw Error("guide frames without a guide share", where, "set a guide share above 0, or give no guide frames");
    for (const Image& frame : r.guide_frames)
      if (frame.width != r.width || frame.height != r.height ||
          frame.rgb.size() != static_cast<std::size_t>(frame.width) * frame.height * 3)
        throw Error("a guide frame is " + std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                        ", the clip is " + std::to_string(r.width) + "x" + std::to_string(r.height),
                    where, "draw the guide at the clip's size");
  }
  if (settings.steps < 1 || settings.steps > kMaxSteps)
    throw Error("steps must be in [1, " + std::to_string(kMaxSteps) + "]", "sampler settings", "pass e.g. --steps 24");
  if (!std::isfinite(settings.guidance) || settings.guidance < 0.0 || settings.guidance > kMaxGuidance)
    throw Error("guidance must be a number in [0, " + std::to_string(static_cast<int>(kMaxGuidance)) + "]",
                "sampler settings", "pass e.g. --guidance 5");
  if (settings.negative_scale &&
      (!std::isfinite(*settings.negative_scale) || *settings.negative_scale < 0.0 || *settings.negative_scale > kMaxGuidance))
    throw Error("negative scale must be a number in [0, " + std::to_string(static_cast<int>(kMaxGuidance)) + "]",
                "sampler settings", "pass e.g. --negative-scale 2");
  if (!(settings.frame_noise_correlation >= 0.0 && settings.frame_noise_correlation < 1.0))
    throw Error("frame noise correlation must be a number in [0, 1)", "sampler settings",
                "pass e.g. --frame-noise-correlation 0.5");
  if (!std::isfinite(settings.shift) || settings.shift <= 0.0 || settings.shift > 100.0)
    throw Error("shift must be a number in (0, 100]", "sampler settings", "pass e.g. --shift 1");
  if (!(settings.guide_share >= 0.0 && settings.guide_share <= kMaxGuideShare))
    throw Error("guide share must be a number in [0, " + shortest_decimal(kMaxGuideShare) + "]", "sampler settings",
                "pass e.g. --layout-guide 0.4");
}

// The context of every row, encoded one row per call on the CPU: the text and reference encoders'
// products then have the same shapes whatever the batch, so OpenBLAS picks the same kernels and a
// request's context is bit-identical alone or in a batch (on CUDA the batch is encoded at once).
Context encode_context_by_row(ShotModelImpl& model, const ContextInputs& inputs) {
  if (!inputs.token_ids.device().is_cpu()) return model.encode_context(inputs);
  std::vector<torch::Tensor> tokens, bias, words;
  for (std::int64_t row = 0; row < inputs.token_ids.size(0); ++row) {
    ContextInputs one{inputs.token_ids.narrow(0, row, 1), inputs.token_weights.narrow(0, row, 1), {}, {}};
    if (inputs.reference_images.defined()) {
      one.reference_images = inputs.reference_images.narrow(0, row, 1);
      one.reference_present = inputs.reference_present.narrow(0, row, 1);
    }
    Context context = model.encode_context(one);
    tokens.push_back(context.tokens);
    bias.push_back(context.bias);
    if (context.words.defined()) words.push_back(context.words);
  }
  return {torch::cat(tokens, 0), torch::cat(bias, 0), words.empty() ? torch::Tensor() : torch::cat(words, 0)};
}

}  // namespace

torch::Device resolve_device(DeviceChoice choice) {
  switch (choice) {
    case DeviceChoice::Cpu: return torch::kCPU;
    case DeviceChoice::Cuda:
      if (!torch::cuda::is_available())
        throw Error("CUDA was requested but no CUDA device is available to libtorch", "--device cuda",
                    "use --device cpu or auto, or a libtorch built with CUDA");
      return {torch::kCUDA, 0};
    case DeviceChoice::Auto: break;
  }
  return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

Engine::Impl::Impl(ModelConfig config_, torch::Device device_)
    : config(std::move(config_)),
      tokenizer(config.vocabulary, config.hash_buckets, config.max_tokens, config.compound_words),
      device(device_),
      model(config) {}

std::vector<FrameWindow> plan_windows(int frames, int window, int overlap) {
  std::vector<FrameWindow> windows;
  int start = 0;
  while (true) {
    const int length = std::min(window, frames - start);
    windows.push_back({start, length});
    if (start + length >= frames) break;
    // The last window is a whole window too, taking more frames clean if need be: the model was
    // trained on whole windows, and a short last window drifted in colour and light.
    start = std::min(start + length - overlap, frames - window);
  }
  return windows;
}

torch::Tensor image_to_tensor(const Image& image) {
  return torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()), {image.height, image.width, 3}, torch::kUInt8)
      .permute({2, 0, 1})
      .to(torch::kFloat32)
      .div(127.5)
      .sub(1.0);
}

Image tensor_to_image(const torch::Tensor& frame) {
  torch::Tensor bytes = frame.to(torch::kCPU, torch::kFloat32)
                            .add(1.0)
                            .mul(127.5)
                            .round()
                            .clamp(0, 255)
                            .to(torch::kUInt8)
                            .permute({1, 2, 0})
                            .contiguous();
  Image image(static_cast<int>(frame.size(2)), static_cast<int>(frame.size(1)));
  std::memcpy(image.rgb.data(), bytes.data_ptr<std::uint8_t>(), image.rgb.size());
  return image;
}

CudaAutocast::CudaAutocast(bool enable) : enabled_(enable) {
  if (!enabled_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  previous_ = at::autocast::is_autocast_enabled(at::kCUDA);
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
  previous_ = at::autocast::is_enabled();
  at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
  at::autocast::set_enabled(true);
#endif
}

CudaAutocast::~CudaAutocast() {
  if (!enabled_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::autocast::set_autocast_enabled(at::kCUDA, previous_);
#else
  at::autocast::set_enabled(previous_);
#endif
  at::autocast::clear_cache();
}

torch::Tensor ShotVelocityModel::velocity(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond_frames,
                                          const torch::Tensor& cond_mask) {
  const std::int64_t rows = x_t.size(0);
  const auto groups = std::min<std::int64_t>(rows, at::get_num_threads());
  if (!x_t.device().is_cpu() || torch::GradMode::is_enabled() || groups < 2)
    return model_->forward(x_t, t, cond_frames, cond_mask, context_);
  // On the CPU the rows (requests × guidance branches) are split across the threads, one group of
  // rows per thread, each forward running its kernels on its own thread (nested parallel_for calls
  // run inline): at this model's sizes one product is small, and whole forwards keep the threads
  // apart (two threads: ~2× one, bench/README.md). The CPU kernels' pieces depend on one row only,
  // so any split gives the same bits.
  std::vector<torch::Tensor> parts(static_cast<std::size_t>(groups));
  parallel_for_as_caller(0, groups, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t g = begin; g < end; ++g) {
      const std::int64_t first = rows * g / groups, count = rows * (g + 1) / groups - first;
      const Context context{context_.tokens.narrow(0, first, count), context_.bias.narrow(0, first, count),
                            context_.words.defined() ? context_.words.narrow(0, first, count) : torch::Tensor()};
      parts[static_cast<std::size_t>(g)] = model_->forward(x_t.narrow(0, first, count), t.narrow(0, first, count),
                                                            cond_frames.narrow(0, first, count),
                                                            cond_mask.narrow(0, first, count), context);
    }
  });
  return torch::cat(parts, 0);
}

ContextInputs build_context_inputs(const Engine::Impl& impl, const std::vector<GenerationRequest>& batch, int branches) {
  const ModelConfig& config = impl.config;
  const auto requests = static_cast<std::int64_t>(batch.size());
  std::vector<TokenizedPrompt> prompts;
  for (int branch = 0; branch < branches; ++branch)
    for (const GenerationRequest& request : batch)
      prompts.push_back(impl.tokenizer.tokenize(branch == 0 ? request.positive : branch == 1 ? request.negative : ""));
  auto [ids, weights] = token_tensors(prompts, config.max_tokens);
  ContextInputs inputs{ids, weights, {}, {}};

  const bool any_references =
      std::any_of(batch.begin(), batch.end(), [](const GenerationRequest& r) { return !r.references.empty(); });
  if (!any_references || config.max_references == 0) return inputs;
  const auto groups = static_cast<std::int64_t>(config.reference_groups.size());
  inputs.reference_images = torch::zeros({requests * branches, config.max_references, 3, kReferenceSize, kReferenceSize});
  inputs.reference_present = torch::zeros({requests * branches, config.max_references, groups}, torch::kBool);
  for (std::int64_t r = 0; r < requests; ++r) {  // positive rows are the first `requests` rows
    const auto& references = batch[static_cast<std::size_t>(r)].references;
    for (std::size_t slot = 0; slot < references.size(); ++slot) {
      const auto s = static_cast<std::int64_t>(slot);
      inputs.reference_images[r][s].copy_(reference_image_tensor(references[slot].image));
      for (std::int64_t g = 0; g < groups; ++g) {
        const std::string& group = config.reference_groups[static_cast<std::size_t>(g)];
        const auto& ignore = references[slot].ignore;
        inputs.reference_present[r][s][g] = std::find(ignore.begin(), ignore.end(), group) == ignore.end();
      }
    }
  }
  return inputs;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

Engine Engine::load(const std::filesystem::path& model_dir, DeviceChoice choice) {
  ensure_cpu_threads();
  ModelConfig config = load_model_config(model_dir);
  auto impl = std::make_unique<Impl>(std::move(config), resolve_device(choice));
  const std::filesystem::path weights_path = model_dir / "weights.safetensors";
  if (!std::filesystem::exists(weights_path))
    throw Error("weights file not found", weights_path.string(), "the model directory must hold weights.safetensors");
  SafetensorsFile weights = read_safetensors(weights_path);
  load_weights(*impl->model, weights, weights_path.string());
  if (!weights.tensors.empty()) impl->weights_dtype = std::string(dtype_name(weights.tensors.begin()->second.dtype));
  impl->model->to(impl->device);
  impl->model->eval();
  impl->model_dir = model_dir;
  return Engine(std::move(impl));
}

Engine Engine::create_random(const ModelConfig& config, std::uint64_t seed, DeviceChoice choice) {
  ensure_cpu_threads();
  auto impl = std::make_unique<Impl>(config, resolve_device(choice));
  initialize_parameters(*impl->model, InitMode::Random, seed);
  impl->model->to(impl->device);
  impl->model->eval();
  return Engine(std::move(impl));
}

ModelInfo Engine::info() const {
  const ModelConfig& config = impl_->config;
  ModelInfo info;
  info.architecture = config.architecture;
  info.parameter_count = parameter_count(*impl_->model);
  info.vocabulary_words = static_cast<int>(config.vocabulary.size());
  info.hash_buckets = config.hash_buckets;
  info.vocabulary_size = config.vocabulary_size();
  info.window_frames = config.window_frames;
  info.trained_sizes = config.trained_sizes;
  info.weights_dtype = impl_->weights_dtype;
  info.compute_dtype = impl_->uses_autocast() ? "bfloat16 autocast" : "float32";
  info.device = impl_->device.str();
  info.model_dir = impl_->model_dir;
  info.config = config;
  return info;
}

void Engine::save(const std::filesystem::path& model_dir, const std::string& dtype) const {
  const DType file_dtype = parse_dtype_name(dtype);
  save_model_config(impl_->config, model_dir);
  save_weights(*impl_->model, model_dir / "weights.safetensors", file_dtype,
               {{"format", "pt"}, {"architecture", impl_->config.architecture}});
}

std::vector<Clip> Engine::generate(const std::vector<GenerationRequest>& batch, const SamplerSettings& settings,
                                   const ProgressCallback& progress, const CancelToken* cancel) {
  // Failures inside libtorch become one-line errors with a kind the caller can test: running out of
  // memory is a fact about the request's size, anything else a fault of the model or the library.
  const std::string where = impl_->model_dir.empty() ? "model" : impl_->model_dir.string();
  try {
    return generate_checked(batch, settings, progress, cancel);
  } catch (const std::bad_alloc&) {
    throw Error(ErrorKind::OutOfMemory, "out of memory generating " + std::to_string(batch.size()) + " clip(s)", where,
                "generate fewer frames, a smaller size or fewer shots per batch");
  } catch (const c10::Error& e) {
    const std::string message = e.what_without_backtrace();
    const std::string first = message.substr(0, message.find('\n'));
    const bool memory = first.find("out of memory") != std::string::npos || first.find("can't allocate") != std::string::npos;
    throw Error(memory ? ErrorKind::OutOfMemory : ErrorKind::ModelFailure,
                (memory ? "out of memory: " : "the model failed: ") + first.substr(0, 300), where,
                memory ? "generate fewer frames, a smaller size or fewer shots per batch"
                       : "check the model directory (config.json and weights.safetensors belong together)");
  }
}

std::vector<Clip> Engine::generate_checked(const std::vector<GenerationRequest>& batch, const SamplerSettings& settings,
                                           const ProgressCallback& progress, const CancelToken* cancel) {
  Impl& impl = *impl_;
  validate_batch(impl.config, batch, settings);
  c10::InferenceMode inference_mode;
  const Guidance guidance{settings.guidance, settings.negative_scale};
  const GenerationRequest& shape = batch.front();
  const auto requests = static_cast<std::int64_t>(batch.size());
  const auto device = impl.device;

  const ContextInputs context_inputs = build_context_inputs(impl, batch, guidance.branches()).to(device);
  Context context;
  {
    CudaAutocast autocast(impl.uses_autocast());
    context = encode_context_by_row(*impl.model, context_inputs);
  }
  ShotVelocityModel velocity_model(impl.model, context);

  // Each request's noise comes from its own seed (runtime/starting_noise.h). A latent model's noise
  // has the latent's shape.
  ShotModelImpl& model = *impl.model;
  const std::vector<std::int64_t> data_shape = model.data_shape(shape.frames, shape.height, shape.width);
  const StartingNoise starting_noise(batch, data_shape, settings, shape.height / data_shape[2],
                                     impl.config.camera_noise_subcells);
  const std::vector<std::int64_t> clip_shape{requests, data_shape[0], data_shape[1], data_shape[2], data_shape[3]};

  // The clip's given frames (request conditioning), as pixels, a per-frame mask, and in the space
  // the denoiser works in.
  torch::Tensor given_pixels = torch::zeros({requests, 3, shape.frames, shape.height, shape.width});
  torch::Tensor given_mask = torch::zeros({requests, 1, shape.frames, 1, 1}, torch::kBool);
  bool any_given = false;
  for (std::int64_t r = 0; r < requests; ++r) {
    const GenerationRequest& request = batch[static_cast<std::size_t>(r)];
    for (std::size_t k = 0; k < request.conditioning_frames.size(); ++k) {
      const int index = request.conditioning_indices[k];
      given_pixels[r].select(1, index).copy_(image_to_tensor(request.conditioning_frames[k]));
      given_mask[r][0][index] = true;
      any_given = true;
    }
  }
  given_mask = given_mask.to(device);
  torch::Tensor given_data;
  if (any_given) {
    CudaAutocast autocast(impl.uses_autocast());
    given_data = model.to_data(given_pixels.to(device)).to(torch::kFloat32);
  } else {
    given_data = torch::zeros(clip_shape, torch::TensorOptions().device(device));
  }

  // The guide clip (request guide_frames) in the denoiser's space.
  torch::Tensor guide_data;
  if (settings.guide_share > 0.0) {
    torch::Tensor guide_pixels = torch::empty({requests, 3, shape.frames, shape.height, shape.width});
    for (std::int64_t r = 0; r < requests; ++r) {
      const std::vector<Image>& frames = batch[static_cast<std::size_t>(r)].guide_frames;
      for (int f = 0; f < shape.frames; ++f)
        guide_pixels[r].select(1, f).copy_(image_to_tensor(frames[static_cast<std::size_t>(f)]));
    }
    CudaAutocast autocast(impl.uses_autocast());
    guide_data = model.to_data(guide_pixels.to(device)).to(torch::kFloat32);
  }

  const std::vector<FrameWindow> windows = plan_windows(shape.frames, impl.config.window_frames, impl.config.overlap_frames);
  torch::Tensor clip = torch::empty(clip_shape, torch::TensorOptions().device(device));
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const FrameWindow& window = windows[w];
    SamplingInputs inputs;
    inputs.noise = starting_noise.window(window.start, window.length).to(device);
    inputs.cond_frames = given_data.narrow(2, window.start, window.length).clone();
    inputs.cond_mask = given_mask.narrow(2, window.start, window.length).clone();
    if (guide_data.defined()) inputs.guide = guide_data.narrow(2, window.start, window.length);
    if (w > 0) {
      // The overlap with the previous window is given clean: the new window continues it seamlessly.
      const int overlap = windows[w - 1].start + windows[w - 1].length - window.start;
      inputs.cond_frames.narrow(2, 0, overlap).copy_(clip.narrow(2, window.start, overlap));
      inputs.cond_mask.narrow(2, 0, overlap).fill_(true);
    }
    SamplingHooks hooks;
    hooks.before_step = [cancel] {
      if (cancel && cancel->is_cancelled()) throw Cancelled();
    };
    const int window_number = static_cast<int>(w) + 1, window_count = static_cast<int>(windows.size());
    if (progress)
      hooks.after_step = [&progress, window_number, window_count](int step, int total) {
        progress(step, total, window_number, window_count);
      };
    torch::Tensor result;
    {
      CudaAutocast autocast(impl.uses_autocast());
      result = sample(velocity_model, inputs, settings, hooks);
    }
    clip.narrow(2, window.start, window.length).copy_(result);
  }
  if (!torch::isfinite(clip).all().item<bool>())
    throw Error(ErrorKind::ModelFailure, "the model produced non-finite values (NaN or infinity)",
                impl.model_dir.empty() ? "model" : impl.model_dir.string(),
                "check the model's weights (a damaged or badly trained weights.safetensors) and the guidance scale");

  torch::Tensor pixels;
  {
    CudaAutocast autocast(impl.uses_autocast());
    pixels = model.to_pixels(clip).to(torch::kCPU, torch::kFloat32);
  }
  // Given frames come out exactly as given (a latent model's decoder would only approximate them).
  if (any_given) pixels = torch::where(given_mask.to(torch::kCPU), given_pixels, pixels);
  std::vector<Clip> clips(static_cast<std::size_t>(requests));
  for (std::int64_t r = 0; r < requests; ++r)
    for (int f = 0; f < shape.frames; ++f)
      clips[static_cast<std::size_t>(r)].frames.push_back(tensor_to_image(pixels[r].select(1, f)));
  return clips;
}

std::filesystem::path default_model_dir() {
  if (const char* env = std::getenv("SHOTGEN_MODEL_DIR"); env && *env) return env;
  return std::filesystem::path(SHOTGEN_SOURCE_DIR) / "models" / "default";
}

std::filesystem::path model_dir_or_default(const std::string& given) {
  return given.empty() ? default_model_dir() : std::filesystem::path(given);
}

DeviceChoice parse_device_choice(const std::string& text) {
  if (text == "auto") return DeviceChoice::Auto;
  if (text == "cpu") return DeviceChoice::Cpu;
  if (text == "cuda") return DeviceChoice::Cuda;
  throw Error("unknown device '" + text + "'", "--device", "use auto, cpu or cuda");
}

SamplerSettings::Method parse_sampler_method(const std::string& text) {
  if (text == "euler") return SamplerSettings::Method::Euler;
  if (text == "heun") return SamplerSettings::Method::Heun;
  throw Error("unknown sampler '" + text + "'", "--sampler", "use euler or heun");
}

}  // namespace shotgen::engine
