#pragma once
// Engine internals shared with the trainer: the network, tokenizer and device behind the public
// torch-free Engine. Private to engine + train (exposes libtorch).
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/model/shot_model.h"
#include "engine/runtime/sampler.h"
#include "engine/text/tokenizer.h"

namespace shotgen::engine {

struct Engine::Impl {
  Impl(ModelConfig config, torch::Device device);

  ModelConfig config;
  Tokenizer tokenizer;
  torch::Device device;
  ShotModel model;
  std::string weights_dtype = "F32";
  std::filesystem::path model_dir;

  bool uses_autocast() const { return device.is_cuda(); }
};

// The torch device for a choice (Auto = CUDA if available); throws shotgen::Error when CUDA is
// asked for and absent.
torch::Device resolve_device(DeviceChoice choice);

// One frame window of a long shot: frames [start, start + length).
struct FrameWindow {
  int start = 0;
  int length = 0;
};
// Windows of `window` frames (fewer only when the whole shot is shorter) covering [0, frames), each
// after the first starting at least `overlap` frames before the previous one ends (those frames are
// given to it clean); the last one starts earlier when a shorter one would be needed.
std::vector<FrameWindow> plan_windows(int frames, int window, int overlap);

// Image ⇄ tensor: uint8 RGB → [3,H,W] in [-1,1]; [3,H,W] → uint8 RGB via round(clamp((x+1)/2·255)).
torch::Tensor image_to_tensor(const Image& image);
Image tensor_to_image(const torch::Tensor& frame);

// Enables bf16 autocast on CUDA for its lifetime (no-op when `enable` is false).
class CudaAutocast {
 public:
  explicit CudaAutocast(bool enable);
  ~CudaAutocast();
  CudaAutocast(const CudaAutocast&) = delete;
  CudaAutocast& operator=(const CudaAutocast&) = delete;

 private:
  bool enabled_;
  bool previous_ = false;
};

// The network as a VelocityModel over a fixed context (one row per branch × request).
class ShotVelocityModel : public VelocityModel {
 public:
  ShotVelocityModel(ShotModel model, Context context) : model_(std::move(model)), context_(std::move(context)) {}
  torch::Tensor velocity(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond_frames,
                         const torch::Tensor& cond_mask) override;

 private:
  ShotModel model_;
  Context context_;
};

// Builds the context inputs for a batch: branch-major rows (positive, negative[, unconditional])
// of every request; references go to the positive rows only. Throws shotgen::Error for too many
// references.
ContextInputs build_context_inputs(const Engine::Impl& impl, const std::vector<GenerationRequest>& batch, int branches);

}  // namespace shotgen::engine
