#pragma once
// Internal to src/finish: every finishing pass on Vulkan (shaders/*.comp), one pass at a time
// (what the tests hold against the CPU references) or a plan's whole chain on a frame in one
// submission. Frames travel as one uint per pixel in host-mapped storage buffers.
#include <cstdint>
#include <memory>
#include <string>

#include "core/image.h"
#include "finish/finish_plan.h"
#include "finish/letterbox.h"
#include "finish/reframe.h"
#include "finish/transition.h"
#include "finish/upscale.h"

namespace shotgen::finish {

class VulkanContext;

class GpuPasses {
 public:
  // Compiles the six pipelines on `context`'s device. Throws shotgen::Error when Vulkan fails.
  explicit GpuPasses(std::unique_ptr<VulkanContext> context);
  ~GpuPasses();
  GpuPasses(const GpuPasses&) = delete;
  GpuPasses& operator=(const GpuPasses&) = delete;

  const std::string& device_name() const;

  Image upscale(const Image& source, const UpscaleGeometry& geometry, film::UpscaleKernel kernel);
  void grade(Image& image, const CubeLut& lut, film::LutInterpolation interpolation, float strength);
  void palette_lock(Image& image, const PaletteTones& tones, float strength);
  void grain(Image& image, const GrainParams& params, std::uint32_t seed, std::uint32_t frame);
  void letterbox(Image& image, const PictureRect& picture);
  Image transition(const Image& outgoing, const Image& incoming, TransitionStyle style, float incoming_weight);

  // `plan`'s passes on one generated frame, in one submission; the upscale shows `window` of its
  // fitted crop (the reframe's, finish/reframe.h).
  Image finish_frame(const Image& generated, const FinishPlan& plan, std::uint32_t seed, std::uint32_t frame,
                     const CropWindow& window = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace shotgen::finish
