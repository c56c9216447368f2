#include "render/backend.h"

#include <algorithm>
#include <new>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "world/layout_guide.h"
#include "world/world.h"

namespace shotgen::render {

std::string RenderParams::to_json() const {
  nlohmann::json out = {{"model", model},       {"sampler", sampler}, {"steps", steps},
                        {"shift", shift},       {"guidance", guidance}, {"width", width},
                        {"height", height},     {"frames", frames}};
  out["negative_scale"] = negative_scale ? nlohmann::json(*negative_scale) : nlohmann::json(nullptr);
  // Written only where used, so the parameters (and job ids) of takes from before the key stay the same.
  if (frame_noise_correlation != 0.0) out["frame_noise_correlation"] = frame_noise_correlation;
  if (noise_follows_camera) out["noise_follows_camera"] = true;
  if (layout_guide != 0.0) out["layout_guide"] = layout_guide;
  return out.dump();
}

RenderParams RenderParams::from_json(std::string_view text) {
  try {
    const auto in = nlohmann::json::parse(text);
    RenderParams p;
    p.model = in.at("model").get<std::string>();
    p.sampler = in.at("sampler").get<std::string>();
    p.steps = in.at("steps").get<int>();
    p.shift = in.at("shift").get<double>();
    p.guidance = in.at("guidance").get<double>();
    if (!in.at("negative_scale").is_null()) p.negative_scale = in.at("negative_scale").get<double>();
    p.width = in.at("width").get<int>();
    p.height = in.at("height").get<int>();
    p.frames = in.at("frames").get<int>();
    p.frame_noise_correlation = in.value("frame_noise_correlation", 0.0);
    p.noise_follows_camera = in.value("noise_follows_camera", false);
    p.layout_guide = in.value("layout_guide", 0.0);
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw Error("render parameters are not valid: " + std::string(e.what()), "jobs.params_json",
                "render the shot again so the job is recreated");
  }
}

SharedEngine::SharedEngine(std::filesystem::path model_dir, engine::DeviceChoice device)
    : model_dir_(std::move(model_dir)), device_(device) {}

const std::string& SharedEngine::model_id() {
  std::lock_guard lock(mutex_);
  if (!model_id_) {
    const auto weights = model_dir_ / "weights.safetensors";
    if (!std::filesystem::exists(model_dir_ / "config.json") || !std::filesystem::exists(weights))
      throw Error("no model in " + model_dir_.string() + " (config.json and weights.safetensors expected)",
                  model_dir_.string(),
                  "pass --model DIR or set SHOTGEN_MODEL_DIR to a model directory (see README: the default model)");
    const auto config = engine::load_model_config(model_dir_);
    std::string content = read_file(model_dir_ / "config.json");
    for (const auto& word : config.vocabulary) content += word + "\n";
    content += read_file(weights);
    auto name = model_dir_.filename().string();
    if (name.empty()) name = model_dir_.parent_path().filename().string();
    model_id_ = name + "@" + sha256_hex(content).substr(0, 12);
    trained_sampling_ = TrainedSampling{config.sampling_shift, config.frame_noise_correlation,
                                        config.noise_follows_camera, config.window_frames};
  }
  return *model_id_;
}

SharedEngine::TrainedSampling SharedEngine::trained_sampling() {
  model_id();
  std::lock_guard lock(mutex_);
  return *trained_sampling_;
}

engine::Engine& SharedEngine::get() {
  std::lock_guard lock(mutex_);
  if (!engine_) engine_ = std::make_unique<engine::Engine>(engine::Engine::load(model_dir_, device_));
  return *engine_;
}

EngineBackend::EngineBackend(prompt::BackendCaps caps, std::shared_ptr<SharedEngine> engine)
    : caps_(std::move(caps)), engine_(std::move(engine)) {}

RenderParams EngineBackend::params(const film::RenderSettings& settings, int frames) const {
  RenderParams p;
  p.model = engine_->model_id();
  p.sampler = "euler";
  const SharedEngine::TrainedSampling trained = engine_->trained_sampling();
  p.shift = trained.shift;
  p.frame_noise_correlation = trained.frame_noise_correlation;
  p.noise_follows_camera = trained.noise_follows_camera;
  p.steps = caps_.default_steps;
  p.guidance = caps_.default_guidance;
  if (!caps_.distilled) {
    if (settings.steps) p.steps = *settings.steps;
    if (settings.guidance) p.guidance = *settings.guidance;
    p.negative_scale = settings.negative_scale;
  }
  // Both backends: a draft re-routed or turbo-rendered keeps the layout its words ask for.
  p.layout_guide = settings.layout_guide;
  p.width = settings.size.width;
  p.height = settings.size.height;
  p.frames = frames;
  return p;
}

std::vector<Clip> EngineBackend::render(const std::vector<JobSpec>& batch, const BatchProgress& progress,
                                        const engine::CancelToken* cancel) {
  if (batch.empty()) return {};
  const RenderParams& p = batch.front().params;
  const int window_frames = engine_->trained_sampling().window_frames;
  std::vector<engine::GenerationRequest> requests;
  for (const JobSpec& job : batch) {
    engine::GenerationRequest request;
    request.positive = job.positive;
    request.negative = job.negative;
    request.seed = job.seed;
    request.frames = job.params.frames;
    request.width = job.params.width;
    request.height = job.params.height;
    request.camera_motion = world::prompt_camera_motion(job.positive, window_frames, job.params.height);
    if (p.layout_guide > 0)
      request.guide_frames =
          world::draw_layout_guide(job.positive, job.seed, job.params.frames, job.params.width, job.params.height).frames;
    for (const auto& reference : job.references) request.references.push_back({reference.image, reference.ignore});
    requests.push_back(std::move(request));
  }
  engine::SamplerSettings settings;
  settings.steps = p.steps;
  settings.shift = p.shift;
  settings.frame_noise_correlation = p.frame_noise_correlation;
  settings.noise_follows_camera = p.noise_follows_camera;
  settings.method = engine::parse_sampler_method(p.sampler);
  settings.guidance = p.guidance;
  settings.negative_scale = p.negative_scale;
  settings.guide_share = p.layout_guide;
  engine::ProgressCallback on_step;
  if (progress)
    on_step = [&progress](int step, int total_steps, int window, int windows) {
      progress((window - 1) * total_steps + step, windows * total_steps);
    };
  return engine_->get().generate(requests, settings, on_step, cancel);
}

BackendRegistry BackendRegistry::shipped(const std::filesystem::path& model_dir, engine::DeviceChoice device) {
  auto engine = std::make_shared<SharedEngine>(model_dir, device);
  BackendRegistry registry;
  for (auto& caps : prompt::default_caps()) registry.add(std::make_shared<EngineBackend>(caps, engine));
  return registry;
}

void BackendRegistry::add(std::shared_ptr<Backend> backend) {
  for (auto& existing : backends_)
    if (existing->name() == backend->name()) {
      existing = std::move(backend);
      return;
    }
  backends_.push_back(std::move(backend));
}

bool BackendRegistry::has(const std::string& name) const {
  return std::any_of(backends_.begin(), backends_.end(), [&](const auto& b) { return b->name() == name; });
}

Backend& BackendRegistry::get(const std::string& name) const {
  for (const auto& backend : backends_)
    if (backend->name() == name) return *backend;
  std::string known;
  for (const auto& backend : backends_) known += (known.empty() ? "" : ", ") + backend->name();
  throw Error("unknown backend '" + name + "'", "backend", "known backends: " + known);
}

std::vector<prompt::BackendCaps> BackendRegistry::caps() const {
  std::vector<prompt::BackendCaps> out;
  for (const auto& backend : backends_) out.push_back(backend->caps());
  return out;
}

bool is_out_of_memory(const std::exception& error) {
  if (dynamic_cast<const std::bad_alloc*>(&error)) return true;
  const auto* failure = dynamic_cast<const Error*>(&error);
  return failure && failure->kind() == ErrorKind::OutOfMemory;  // the engine's typed failure
}

}  // namespace shotgen::render
