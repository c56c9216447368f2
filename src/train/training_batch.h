#pragma once
// One training batch built on the fly from the world's sample stream. Private to train (libtorch).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/image.h"
#include "engine/model/config.h"
#include "engine/model/shot_model.h"
#include "engine/text/tokenizer.h"
#include "world/rng.h"
#include "world/world.h"

namespace shotgen::train {

struct BatchSpec {
  int batch_size = 16;
  int frames = 8;
  engine::FrameSize size{64, 32};
  double conditioning_probability = 0.25;
  double uniform_time_share = 0.5;  // share of clips whose t is uniform in (0,1) instead of logit-normal
  std::uint64_t stream_seed = 1;  // the data stream's seed (clip i is world::sample(stream_seed(seed, i)))
  // The space the denoiser works in: ε has data_channels channels on a grid data_factor times smaller
  // than the frames (3 and 1 for a pixel-space model; the latent's for a latent one).
  int data_channels = 3;
  int data_factor = 1;
  // Every drawn t is then shifted, t' = s·t / (1 + (s−1)·t), as the sampler's schedule is: s > 1 trains
  // more clips at the high noise levels where a clip's palette, light and layout are decided.
  double time_shift = 1.0;
  // Words a prompt may hold that no caption of the world uses (the example films' prose, unknown
  // words): with this probability a caption gets some of them between its parts (with_filler_words),
  // so the model learns to draw from the words it knows and to pass over the rest.
  double filler_probability = 0.0;
  const std::vector<std::string>* filler_words = nullptr;
  // ε also gets a constant per clip and channel, offset_noise · N(0,1) (offset noise). Why: the mean
  // of plain noise over a clip is tiny (1/64 on a 32×16×8 latent), so the clip's mean colour shows
  // through it up to t ≈ 0.99 and the model learns to read its palette from x_t, not from the words;
  // at sampling, where x_1 is pure noise, the words then do not steer the palette. With the offset the
  // mean of x_t says little at high t, and only the caption can tell the clip's colours.
  double offset_noise = 0.0;
  // Share a of each frame's ε that all frames of the clip have in common, ε_f = √(1−a)·ε_f' + √a·ε_shared
  // (each frame still unit noise; the offset is added after). Why: with independent noise per frame
  // the model must settle every frame's detail on its own, and its clips flicker; sampling from
  // correlated noise without training on it steadied the clips but drew busier frames
  // (docs/ENGINE.md). The model records a in its config and samples with it.
  double frame_noise_correlation = 0.0;
  // The shared part moves from frame to frame as the clip's camera moves its content
  // (engine/runtime/moving_noise.h), so structure in the noise travels with the content and, at
  // sampling, a camera move asked for draws as the noise moves. Needs frame_noise_correlation > 0.
  bool noise_follows_camera = false;
  // How finely it moves: k×k noise sub-cells per latent cell (moving_noise.h). Why: with whole cells
  // a zoom barely moves the noise (under a cell a frame at the edges, nothing near the centre), and
  // the model drew no zoom. 1 = whole cells, the batch of before.
  int camera_noise_subcells = 1;
  // The loss weight of the latent cells a figure covers (1 = every cell alike). Why: figures are the
  // films' subjects but a small part of a world frame, so under a plain MSE the model spends its
  // capacity on skies, ground and texture and draws figures as smudges. The weight is
  // 1 + (w − 1)·(1 − t)·coverage, coverage the figures' share of the cell grown by one cell around
  // them (their outline counts), on the denoiser's grid; flow_loss normalises by the weights' sum.
  // It fades out towards pure noise: where x_t does not yet show where the figures are, a weight
  // that follows the true clip's figures makes a missed figure cost more than a drawn one, and the
  // model learnt to draw figures everywhere (measured with a constant weight: docs/ENGINE.md).
  double figure_loss_weight = 1.0;
  // ε also gets low-frequency noise the clip's frames share: layout_noise · N(0,1) on grids 2, 4
  // and 8 times coarser than the denoiser's, each upsampled bilinearly (pyramid noise), moved with
  // the camera where the shared noise is. Why: the model drew a clip's layout — how many figures,
  // where, how large — from the coarse structure of its starting noise and not from the words (the
  // same seed drew the same figures for "one figure" and "a crowd", "left third" and "right third":
  // docs/ENGINE.md); plain noise's coarse structure is small, so x_t shows the clip's layout
  // from high noise on and the model learns to read it there. With the coarse noise, x_t's layout
  // says little until the noise is low and only the caption can tell it, as the offset does for
  // colour. Measured at 0.5: the seed set less of the layout, the words no more, and camera moves
  // and edges suffered; not in the shipped recipe. Drawn after the offset, so a batch without it is
  // the batch of before.
  double layout_noise = 0.0;
};

struct TrainingBatch {
  torch::Tensor clean;   // x0: the clips' pixels [B,3,T,H,W] in [-1,1] (a latent model's trainer
                         // replaces them with their latents [B,C,T,H/f,W/f])
  torch::Tensor noise;   // ε [B,C,T,H/f,W/f] ~ N(0,1) in the denoiser's space (+ the offset, BatchSpec)
  torch::Tensor t;       // [B] in (0,1): uniform for a share of the clips, else logit-normal; shifted
  torch::Tensor given;   // [B,1,T,1,1] float: 1 = frame given clean (excluded from the loss)
  torch::Tensor loss_weight;  // [B,1,T,H/f,W/f] per-cell loss weight (figure_loss_weight); undefined if 1
  engine::ContextInputs context;
  int references = 0;    // clips that carry a reference
};

// Clips first_clip … first_clip + batch_size − 1 of the stream; `step_seed` drives t, ε, the
// conditioning frames (all CPU tensors). The same arguments give the same batch.
TrainingBatch make_training_batch(const engine::ModelConfig& config, const engine::Tokenizer& tokenizer,
                                  const BatchSpec& spec, std::uint64_t step_seed, std::uint64_t first_clip);

// Frames (8-bit RGB) → [3, T, H, W] in [-1, 1], as the trainer feeds clips.
torch::Tensor clip_tensor(const Clip& clip);

// The figures' coverage on a grid `factor` times coarser, grown by one cell: [1, T, H/f, W/f] in [0, 1].
torch::Tensor figure_cells(const world::FigureCoverage& figures, int factor);

// `caption` with 1–24 words inserted in runs of 1–6 between its comma-separated parts: three in four
// from `words`, the others made-up words (the tokenizer's hash buckets).
std::string with_filler_words(const std::string& caption, const std::vector<std::string>& words, world::Rng& rng);

// The batch's clip size for `step`: one of config.trained_sizes, chosen per step from the seed.
engine::FrameSize size_for_step(const engine::ModelConfig& config, std::uint64_t seed, std::int64_t step);

// SplitMix64 finaliser of (a, b): the seed of stream element b under seed a.
std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b);

}  // namespace shotgen::train
