#pragma once
// Where the finishing passes run: a Vulkan device (shaders/*.comp) or their CPU reference, which
// give the same pixels within 1/255. The deflicker, the style texture and the palette match, which
// need the whole clip at the generation size, run on the CPU either way. The render pipeline,
// `shotgen finish` and `shotgen assemble` hold one Finisher; no Vulkan type appears here.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/image.h"
#include "finish/finish_plan.h"
#include "finish/reframe.h"
#include "finish/transition.h"

namespace shotgen::finish {

class GpuPasses;

enum class FinishDevice {
  Auto,    // a GPU through Vulkan; where the only Vulkan device is a CPU implementation (lavapipe),
           // the CPU reference, which is faster there (bench/README.md)
  Vulkan,  // the best Vulkan device, lavapipe included
  Cpu,     // the CPU reference
};
std::optional<FinishDevice> finish_device_from_name(std::string_view name);  // "auto", "vulkan", "cpu"
// $SHOTGEN_FINISH_DEVICE, Auto when unset. Throws shotgen::Error naming the variable for another value.
FinishDevice finish_device_from_environment();

// A plan's frame passes on one generated frame on the CPU: the reference chain (the deflicker, a
// clip pass, is not among them: Finisher::finish runs it first). The upscale shows `window` of
// its fitted crop: the reframe's window for this frame (finish/reframe.h).
Image finish_frame_reference(const Image& generated, const FinishPlan& plan, std::uint32_t seed, std::uint32_t frame,
                             const CropWindow& window = {});

class Finisher {
 public:
  // When Vulkan is asked for (Auto or Vulkan) and there is no usable device, `note` gets one line
  // saying so and the Finisher runs the CPU reference: never an error.
  static Finisher open(FinishDevice device, const std::function<void(const std::string&)>& note);
  Finisher(Finisher&&) noexcept;
  Finisher& operator=(Finisher&&) noexcept;
  ~Finisher();

  // The generated clip through `plan` (the deflicker over the whole clip first, then the style
  // texture, the palette match, then each frame's passes): frame i's grain is seeded by the take's
  // seed and i; `decisions` are what the take's prompt and analysis decided the finishing draws
  // (plan.decisions_for): the camera move the upscale's window draws, the style whose texture is
  // drawn, the palette the clip is recoloured into. A plan without passes returns the clip unchanged.
  Clip finish(const Clip& generated, const FinishPlan& plan, std::uint64_t take_seed,
              const FinishDecisions& decisions = {});
  // One frame of a transition (see transition.h).
  Image transition(const Image& outgoing, const Image& incoming, TransitionStyle style, float incoming_weight);

  // "vulkan: <device name>" or "cpu reference": what takes record.
  std::string device() const;

 private:
  explicit Finisher(std::unique_ptr<GpuPasses> gpu);
  std::unique_ptr<GpuPasses> gpu_;  // null: the CPU reference
};

}  // namespace shotgen::finish
