#include "train/caption_use.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>

#include "engine/engine.h"
#include "engine/runtime/engine_impl.h"
#include "train/training_batch.h"
#include "world/world.h"

namespace shotgen::train {
namespace {

const std::array<std::string, 5> kDimensions = {"palette", "lighting", "camera", "style", "characters"};

template <class Values, class Value>
std::string_view other_word(const Values& values, Value current, int swap_to) {
  std::vector<Value> others;
  for (Value v : values)
    if (v != current) others.push_back(v);
  return world::word(others[static_cast<std::size_t>(swap_to) % others.size()]);
}


}  // namespace

std::string probe_caption(const world::ClipAttributes& a, const std::string& dimension, CaptionMode mode, int swap_to) {
  auto part = [&](const std::string& name, std::string_view own, std::string_view swapped) -> std::string {
    if (name != dimension || mode == CaptionMode::True) return std::string(own);
    return mode == CaptionMode::Swapped ? std::string(swapped) : std::string();
  };
  const std::vector<std::string> parts = {
      part("style", world::word(a.style), other_word(world::kStyles, a.style, swap_to)),
      part("characters", world::word(a.characters), other_word(world::kCharacters, a.characters, swap_to)),
      part("camera", world::word(a.camera), other_word(world::kCameraMoves, a.camera, swap_to)),
      std::string(world::word(a.lens)),
      part("lighting", world::word(a.lighting), other_word(world::kLightings, a.lighting, swap_to)),
      part("palette", world::word(a.palette), other_word(world::kPalettes, a.palette, swap_to)),
      std::string(world::word(a.composition)),
      std::string(world::word(a.atmosphere))};
  std::string caption;
  for (const std::string& p : parts)
    if (!p.empty()) caption += (caption.empty() ? "" : ", ") + p;
  return caption;
}

std::vector<CaptionUseRow> measure_caption_use(engine::Engine& engine, const CaptionUseOptions& options) {
  c10::InferenceMode inference_mode;
  engine::ShotModelImpl& model = *engine.impl().model;
  const torch::Device device = engine.impl().device;
  const engine::ModelConfig& config = model.config;
  const engine::Tokenizer& tokenizer = engine.impl().tokenizer;
  const std::size_t dimensions = kDimensions.size();
  std::vector<CaptionUseRow> rows;
  for (double t : options.noise_levels)
    for (const std::string& dimension : kDimensions) rows.push_back({dimension, t});
  for (std::size_t d = 0; d < dimensions; ++d) {
    world::Rng rng(options.seed * 0x9E3779B97F4A7C15ull + 11 + d);
    for (int i = 0; i < options.clips; ++i) {
      const world::ClipAttributes attributes = world::sample_attributes(rng);
      const Clip clip = world::render_clip(attributes, options.frames, options.width, options.height, rng.next());
      const torch::Tensor x0 = model.to_data(clip_tensor(clip).unsqueeze(0).to(device));
      at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(rng.next());
      const torch::Tensor noise = torch::randn(x0.sizes(), generator, torch::kFloat32).to(device);
      const torch::Tensor target = noise - x0;

      std::vector<engine::TokenizedPrompt> prompts;
      for (CaptionMode mode : {CaptionMode::True, CaptionMode::Swapped, CaptionMode::Absent})
        prompts.push_back(tokenizer.tokenize(probe_caption(attributes, kDimensions[d], mode, i)));
      auto [ids, weights] = engine::token_tensors(prompts, config.max_tokens);
      engine::ContextInputs inputs{ids, weights, {}, {}};
      const engine::Context context = model.encode_context(inputs.to(device));
      for (std::size_t level = 0; level < options.noise_levels.size(); ++level) {
        const double t = options.noise_levels[level];
        const torch::Tensor x_t = ((1.0 - t) * x0 + t * noise).expand({3, -1, -1, -1, -1}).contiguous();
        const torch::Tensor error =
            model.forward(x_t, torch::full({3}, t, x_t.options()), torch::zeros_like(x_t),
                          torch::zeros({3, 1, options.frames, 1, 1}, x_t.options()), context)
                .to(torch::kFloat32) -
            target;
        const torch::Tensor loss = error.pow(2).mean({1, 2, 3, 4}).cpu();
        const torch::Tensor mean_loss = error.mean({2, 3, 4}).pow(2).mean(1).cpu();
        CaptionUseRow& row = rows[level * dimensions + d];
        row.loss_true += loss[0].item<double>();
        row.loss_swapped += loss[1].item<double>();
        row.loss_absent += loss[2].item<double>();
        row.mean_true += mean_loss[0].item<double>();
        row.mean_swapped += mean_loss[1].item<double>();
        row.mean_absent += mean_loss[2].item<double>();
        ++row.clips;
      }
    }
  }
  for (CaptionUseRow& row : rows)
    for (double* value : {&row.loss_true, &row.loss_swapped, &row.loss_absent, &row.mean_true, &row.mean_swapped,
                          &row.mean_absent})
      *value /= std::max(row.clips, 1);
  return rows;
}

}  // namespace shotgen::train
