#include "finish/finisher.h"

#include <cstdlib>

#include "finish/deflicker.h"
#include "finish/gpu_passes.h"
#include "finish/letterbox.h"
#include "finish/lut_grade.h"
#include "finish/palette_match.h"
#include "finish/style_texture.h"
#include "finish/upscale.h"
#include "finish/vulkan_context.h"

namespace shotgen::finish {

std::optional<FinishDevice> finish_device_from_name(std::string_view name) {
  if (name == "auto") return FinishDevice::Auto;
  if (name == "vulkan") return FinishDevice::Vulkan;
  if (name == "cpu") return FinishDevice::Cpu;
  return std::nullopt;
}

FinishDevice finish_device_from_environment() {
  const char* value = std::getenv("SHOTGEN_FINISH_DEVICE");
  if (!value || !*value) return FinishDevice::Auto;
  if (auto device = finish_device_from_name(value)) return *device;
  throw Error(ErrorKind::OutOfRange, "unknown finishing device '" + std::string(value) + "'", "SHOTGEN_FINISH_DEVICE",
              "use auto, vulkan or cpu");
}

Image finish_frame_reference(const Image& generated, const FinishPlan& plan, std::uint32_t seed, std::uint32_t frame,
                             const CropWindow& window) {
  Image image = generated;
  for (film::FinishPass pass : plan.passes) {
    switch (pass) {
      case film::FinishPass::Deflicker: break;  // a clip pass: Finisher::finish runs it before the frame passes
      case film::FinishPass::StyleTexture: break;  // likewise
      case film::FinishPass::PaletteMatch: break;  // likewise
      case film::FinishPass::Reframe: break;    // the upscale shows `window`
      case film::FinishPass::Grade:
        grade_reference(image, *plan.lut, plan.interpolation, static_cast<float>(plan.lut_strength));
        break;
      case film::FinishPass::PaletteLock:
        palette_lock_reference(image, plan.palette, static_cast<float>(plan.palette_lock));
        break;
      case film::FinishPass::Upscale:
        image = upscale_reference(
            image,
            within_window(upscale_geometry(image.width, image.height, plan.output.width, plan.output.height, plan.fit),
                          window),
            plan.kernel);
        break;
      case film::FinishPass::Grain: grain_reference(image, plan.grain_params(), seed, frame); break;
      case film::FinishPass::Letterbox:
        letterbox_reference(image, letterbox_rect(image.width, image.height, plan.aspect));
        break;
    }
  }
  return image;
}

Finisher::Finisher(std::unique_ptr<GpuPasses> gpu) : gpu_(std::move(gpu)) {}
Finisher::Finisher(Finisher&&) noexcept = default;
Finisher& Finisher::operator=(Finisher&&) noexcept = default;
Finisher::~Finisher() = default;

Finisher Finisher::open(FinishDevice device, const std::function<void(const std::string&)>& note) {
  if (device == FinishDevice::Cpu) return Finisher(nullptr);
  auto context = VulkanContext::create();
  if (!context) {
    if (note) note("no Vulkan device (" + context.problem().what + "): finishing on the CPU reference");
    return Finisher(nullptr);
  }
  if (device == FinishDevice::Auto && context.value()->is_cpu_implementation()) return Finisher(nullptr);
  try {
    return Finisher(std::make_unique<GpuPasses>(std::move(context).value()));
  } catch (const Error& e) {
    if (note) note("the Vulkan device cannot run the finishing shaders (" + e.problem().what + "): finishing on the CPU reference");
    return Finisher(nullptr);
  }
}

Clip Finisher::finish(const Clip& generated, const FinishPlan& plan, std::uint64_t take_seed,
                      const FinishDecisions& decisions) {
  if (plan.passes.empty()) return generated;
  // The deflicker, the style texture and the palette match need the whole clip and run on the CPU
  // at the generation size (see deflicker.h, style_texture.h, palette_match.h); every other pass
  // works frame by frame.
  Clip source = generated;
  if (plan.has(film::FinishPass::Deflicker)) source = deflicker(source, static_cast<float>(plan.deflicker));
  if (decisions.texture && plan.has(film::FinishPass::StyleTexture))
    source = draw_style_texture(source, *decisions.texture, take_seed);
  if (decisions.palette && plan.has(film::FinishPass::PaletteMatch))
    source = match_palette(source, *decisions.palette, take_seed);
  const std::uint32_t seed = grain_seed(take_seed);
  const bool reframing = decisions.reframe && plan.has(film::FinishPass::Reframe);
  Clip finished;
  finished.frames.reserve(source.frames.size());
  for (std::size_t i = 0; i < source.frames.size(); ++i) {
    const auto frame = static_cast<std::uint32_t>(i);
    const CropWindow window =
        reframing ? reframe_window(*decisions.reframe, static_cast<float>(plan.reframe_zoom), i, source.frames.size()) : CropWindow{};
    finished.frames.push_back(gpu_ ? gpu_->finish_frame(source.frames[i], plan, seed, frame, window)
                                   : finish_frame_reference(source.frames[i], plan, seed, frame, window));
  }
  return finished;
}

Image Finisher::transition(const Image& outgoing, const Image& incoming, TransitionStyle style, float incoming_weight) {
  return gpu_ ? gpu_->transition(outgoing, incoming, style, incoming_weight)
              : transition_reference(outgoing, incoming, style, incoming_weight);
}

std::string Finisher::device() const { return gpu_ ? "vulkan: " + gpu_->device_name() : "cpu reference"; }

}  // namespace shotgen::finish
