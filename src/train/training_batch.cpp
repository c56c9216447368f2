#include "train/training_batch.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <cstring>
#include <string>

#include "engine/model/reference_encoder.h"
#include "engine/runtime/moving_noise.h"
#include "world/sample.h"
#include "world/world.h"

namespace shotgen::train {
namespace {


int group_index(const engine::ModelConfig& config, std::string_view name) {
  for (std::size_t i = 0; i < config.reference_groups.size(); ++i)
    if (config.reference_groups[i] == name) return static_cast<int>(i);
  return -1;
}

std::string made_up_word(world::Rng& rng) {
  std::string word;
  const int letters = 3 + rng.below(6);
  for (int i = 0; i < letters; ++i) word += static_cast<char>('a' + rng.below(26));
  return word;
}

std::vector<std::string> caption_parts_of(const std::string& caption) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (begin <= caption.size()) {
    const std::size_t end = std::min(caption.find(", ", begin), caption.size());
    parts.push_back(caption.substr(begin, end - begin));
    begin = end + 2;
  }
  return parts;
}

// Per clip a noise field [C, H·k, W·k] (k = `subcells`) as each of the clip's frames: moved as the
// clip's camera moves its content (engine/runtime/moving_noise.h) where the spec's noise follows the
// camera, the same field on every frame otherwise. fields [B, C, H·k, W·k] → [B, C, T, H, W].
torch::Tensor fields_over_frames(const torch::Tensor& fields, const std::vector<world::WorldSample>& samples,
                                 const BatchSpec& spec, int frames, int subcells) {
  if (!spec.noise_follows_camera) return fields.unsqueeze(2).expand({-1, -1, frames, -1, -1});
  std::vector<torch::Tensor> moved;
  for (std::int64_t i = 0; i < fields.size(0); ++i) {
    const CameraMotion motion =
        world::content_motion(samples[static_cast<std::size_t>(i)].attributes.camera, frames, spec.size.height);
    moved.push_back(engine::move_with_camera(fields[i], frames, motion.on_grid(spec.data_factor), 0, subcells));
  }
  return torch::stack(moved);
}

// The batch's low-frequency noise (BatchSpec::layout_noise), [B, C, T, h, w] like ε: per clip and
// channel one field, the sum of N(0,1) on grids 2, 4 and 8 times coarser than ε's, each upsampled
// bilinearly, times the std, over the frames as the shared noise is (whole cells are fine for a
// smooth field: a fraction of a cell moves it by little).
torch::Tensor layout_noise_for(const std::vector<world::WorldSample>& samples, const BatchSpec& spec,
                               at::IntArrayRef noise_shape, at::Generator& generator) {
  const std::int64_t b = noise_shape[0], channels = noise_shape[1], h = noise_shape[3], w = noise_shape[4];
  namespace F = torch::nn::functional;
  torch::Tensor field = torch::zeros({b, channels, h, w});
  for (const std::int64_t coarser : {2, 4, 8}) {
    const torch::Tensor coarse =
        torch::randn({b, channels, std::max<std::int64_t>(1, h / coarser), std::max<std::int64_t>(1, w / coarser)},
                     generator, torch::kFloat32);
    field += F::interpolate(coarse, F::InterpolateFuncOptions()
                                        .size(std::vector<std::int64_t>{h, w})
                                        .mode(torch::kBilinear)
                                        .align_corners(false));
  }
  return fields_over_frames(spec.layout_noise * field, samples, spec, static_cast<int>(noise_shape[2]), 1);
}

}  // namespace

torch::Tensor clip_tensor(const Clip& clip) {
  const int frames = clip.frame_count(), height = clip.height(), width = clip.width();
  torch::Tensor bytes = torch::empty({frames, height, width, 3}, torch::kUInt8);
  std::uint8_t* out = bytes.data_ptr<std::uint8_t>();
  const std::size_t frame_bytes = static_cast<std::size_t>(height) * width * 3;
  for (int f = 0; f < frames; ++f) std::memcpy(out + f * frame_bytes, clip.frames[f].rgb.data(), frame_bytes);
  return bytes.permute({3, 0, 1, 2}).to(torch::kFloat32).div_(127.5).sub_(1.0);
}

torch::Tensor figure_cells(const world::FigureCoverage& figures, int factor) {
  const auto frames = static_cast<std::int64_t>(figures.frames.size());
  torch::Tensor coverage = torch::empty({1, frames, figures.height, figures.width}, torch::kFloat32);
  float* out = coverage.data_ptr<float>();
  const std::size_t frame_size = static_cast<std::size_t>(figures.width) * figures.height;
  for (std::int64_t f = 0; f < frames; ++f)
    std::memcpy(out + f * frame_size, figures.frames[static_cast<std::size_t>(f)].data(), frame_size * sizeof(float));
  // Share of each cell, then the largest share among its 3×3 neighbours: the cells beside a figure
  // hold its outline and the background's edge against it.
  torch::Tensor cells = factor == 1 ? coverage : torch::avg_pool2d(coverage.squeeze(0), factor).unsqueeze(0);
  return torch::max_pool3d(cells, {1, 3, 3}, {1, 1, 1}, {0, 1, 1});
}

std::string with_filler_words(const std::string& caption, const std::vector<std::string>& words, world::Rng& rng) {
  std::vector<std::string> parts = caption_parts_of(caption);
  int remaining = 1 + rng.below(24);
  while (remaining > 0) {
    const int run = std::min(remaining, 1 + rng.below(6));
    std::string filler;
    for (int k = 0; k < run; ++k) {
      const bool known = !words.empty() && rng.below(4) != 0;
      filler += (k ? " " : "") + (known ? words[static_cast<std::size_t>(rng.below(static_cast<int>(words.size())))]
                                        : made_up_word(rng));
    }
    parts.insert(parts.begin() + rng.below(static_cast<int>(parts.size()) + 1), std::move(filler));
    remaining -= run;
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

engine::FrameSize size_for_step(const engine::ModelConfig& config, std::uint64_t seed, std::int64_t step) {
  const auto count = static_cast<std::uint64_t>(config.trained_sizes.size());
  return config.trained_sizes[mix_seed(seed ^ 0x5157E5ull, static_cast<std::uint64_t>(step)) % count];
}

TrainingBatch make_training_batch(const engine::ModelConfig& config, const engine::Tokenizer& tokenizer,
                                  const BatchSpec& spec, std::uint64_t step_seed, std::uint64_t first_clip) {
  const int b = spec.batch_size, frames = spec.frames;
  const int slots = config.max_references, groups = static_cast<int>(config.reference_groups.size());
  TrainingBatch batch;
  std::vector<torch::Tensor> clips;
  std::vector<engine::TokenizedPrompt> prompts;
  torch::Tensor reference_images = torch::zeros({b, std::max(slots, 1), 3, engine::kReferenceSize, engine::kReferenceSize});
  torch::Tensor reference_present = torch::zeros({b, std::max(slots, 1), std::max(groups, 1)}, torch::kBool);
  // Drawing the world's clips is plain C++ on one core per clip; on a GPU the model waits for it.
  // Clip i depends only on its own seed, so drawing them on every core gives the same batch for
  // any thread count.
  std::vector<world::WorldSample> samples(static_cast<std::size_t>(b));
  const bool weigh_figures = spec.figure_loss_weight != 1.0;
  at::parallel_for(0, b, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
      samples[static_cast<std::size_t>(i)] = world::sample(
          mix_seed(spec.stream_seed, first_clip + static_cast<std::uint64_t>(i)), frames, spec.size.width,
          spec.size.height, weigh_figures);
  });
  for (int i = 0; i < b; ++i) {
    const world::WorldSample& sample = samples[static_cast<std::size_t>(i)];
    clips.push_back(clip_tensor(sample.clip));
    std::string caption = sample.caption;
    if (!caption.empty() && spec.filler_probability > 0.0 && spec.filler_words) {
      world::Rng rng(mix_seed(spec.stream_seed ^ 0xF111E5ull, first_clip + static_cast<std::uint64_t>(i)));
      if (rng.uniform() < spec.filler_probability) caption = with_filler_words(caption, *spec.filler_words, rng);
    }
    prompts.push_back(tokenizer.tokenize(caption));
    // The unconditional branch at inference has neither text nor references: an empty caption
    // trains exactly that, so its reference is dropped too.
    if (slots > 0 && sample.reference && !sample.caption.empty()) {
      reference_images[i][0].copy_(engine::reference_image_tensor(sample.reference->image));
      for (world::ReferenceDimension dimension : sample.reference->shared) {
        const int g = group_index(config, world::word(dimension));
        if (g >= 0) reference_present[i][0][g] = true;
      }
      ++batch.references;
    }
  }
  batch.clean = torch::stack(clips);
  auto [ids, weights] = engine::token_tensors(prompts, config.max_tokens);
  batch.context.token_ids = ids;
  batch.context.token_weights = weights;
  if (slots > 0) {
    batch.context.reference_images = reference_images;
    batch.context.reference_present = reference_present;
  }

  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(step_seed);
  batch.noise = torch::randn({b, spec.data_channels, frames, spec.size.height / spec.data_factor,
                              spec.size.width / spec.data_factor},
                             generator, torch::kFloat32);
  torch::Tensor logit_normal = torch::sigmoid(torch::randn({b}, generator, torch::kFloat32));
  torch::Tensor uniform = torch::rand({b}, generator, torch::kFloat32).clamp(1e-5, 1.0 - 1e-5);
  torch::Tensor pick_uniform = torch::rand({b}, generator, torch::kFloat32) < spec.uniform_time_share;
  const torch::Tensor drawn = torch::where(pick_uniform, uniform, logit_normal);
  batch.t = spec.time_shift == 1.0 ? drawn : spec.time_shift * drawn / (1.0 + (spec.time_shift - 1.0) * drawn);
  // With probability p the first one or two frames are given clean (image-to-video, the overlap
  // of a long shot's next window); never all frames, so every clip has something to learn.
  torch::Tensor draws = torch::rand({b, 2}, generator, torch::kFloat32);
  batch.given = torch::zeros({b, 1, frames, 1, 1});
  for (int i = 0; i < b; ++i) {
    if (frames < 2 || draws[i][0].item<float>() >= spec.conditioning_probability) continue;
    const int count = (frames > 2 && draws[i][1].item<float>() < 0.5f) ? 2 : 1;
    batch.given[i].slice(1, 0, count).fill_(1.0);
  }
  // Drawn last, in the order the options came, so a batch without them is the same as before they
  // existed.
  torch::Tensor offset;
  if (spec.offset_noise > 0.0)
    offset = spec.offset_noise * torch::randn({b, spec.data_channels, 1, 1, 1}, generator, torch::kFloat32);
  if (const double a = spec.frame_noise_correlation; a > 0.0) {
    const int k = spec.noise_follows_camera ? spec.camera_noise_subcells : 1;
    const torch::Tensor shared = fields_over_frames(
        torch::randn({b, spec.data_channels, batch.noise.size(3) * k, batch.noise.size(4) * k}, generator,
                     torch::kFloat32),
        samples, spec, frames, k);
    batch.noise = std::sqrt(1.0 - a) * batch.noise + std::sqrt(a) * shared;
  }
  if (offset.defined()) batch.noise += offset;
  if (spec.layout_noise > 0.0) batch.noise += layout_noise_for(samples, spec, batch.noise.sizes(), generator);
  if (weigh_figures) {
    std::vector<torch::Tensor> cells;
    for (const world::WorldSample& sample : samples) cells.push_back(figure_cells(sample.figures, spec.data_factor));
    const torch::Tensor clean_share = (1.0 - batch.t).view({-1, 1, 1, 1, 1});
    batch.loss_weight = 1.0 + (spec.figure_loss_weight - 1.0) * clean_share * torch::stack(cells);
  }
  return batch;
}

}  // namespace shotgen::train
