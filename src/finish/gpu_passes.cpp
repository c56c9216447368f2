#include "finish/gpu_passes.h"

#include <cstddef>
#include <cstring>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "finish/compute_pipeline.h"
#include "finish/shader_library.h"
#include "finish/vulkan_context.h"

namespace shotgen::finish {
namespace {

// Push constants, laid out exactly as each shader's std430 `Params` block.
struct UpscalePush {
  std::int32_t source_size[2], target_size[2];
  std::int32_t picture_origin[2], picture_size[2];
  std::int32_t stride;
};
struct GradePush {
  std::int32_t size[2];
  std::int32_t lut_size, tetrahedral;
  float domain_min[4], domain_max[4];
  float strength;
};
struct PalettePush {
  std::int32_t size[2];
  std::int32_t tone_count;
  float strength;
  float tones[kMaxPaletteTones][4];
};
struct GrainLatticePush {
  std::int32_t size[2];
  std::uint32_t seed, frame;
};
struct GrainPush {
  std::int32_t size[2];
  std::int32_t lattice_columns;
  float strength, inverse_cell;
};
struct LetterboxPush {
  std::int32_t size[2], picture_origin[2], picture_size[2];
};
struct TransitionPush {
  std::int32_t size[2];
  std::int32_t dip_to_black;
  float incoming_weight;
};
static_assert(offsetof(GradePush, domain_min) == 16 && offsetof(PalettePush, tones) == 16,
              "vec4 members start on 16 bytes in std430");
static_assert(sizeof(PalettePush) <= kPushConstantBytes);

template <class Push>
std::span<const std::byte> bytes_of(const Push& push) {
  return std::as_bytes(std::span<const Push, 1>(&push, 1));
}

VkDeviceSize frame_bytes(int width, int height) { return static_cast<VkDeviceSize>(width) * height * 4; }

}  // namespace

struct GpuPasses::State {
  explicit State(std::unique_ptr<VulkanContext> c)
      : context(std::move(c)),
        upscale(*context, shader_spirv(Shader::Upscale), 3),
        grade(*context, shader_spirv(Shader::Grade), 2),
        palette_lock(*context, shader_spirv(Shader::PaletteLock), 1),
        grain_lattice(*context, shader_spirv(Shader::GrainLattice), 1),
        grain(*context, shader_spirv(Shader::Grain), 2),
        letterbox(*context, shader_spirv(Shader::Letterbox), 1),
        transition(*context, shader_spirv(Shader::Transition), 2) {
    const VkDescriptorPoolSize sizes{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 32};
    VkDescriptorPoolCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    info.maxSets = 16;
    info.poolSizeCount = 1;
    info.pPoolSizes = &sizes;
    check_vk(vkCreateDescriptorPool(context->device(), &info, nullptr, &pool), "creating a descriptor pool");
  }
  ~State() { vkDestroyDescriptorPool(context->device(), pool, nullptr); }

  // The buffer in `slot`, at least `bytes` large (reallocated only to grow).
  GpuBuffer& buffer(std::optional<GpuBuffer>& slot, VkDeviceSize bytes) {
    if (!slot || slot->size() < bytes) {
      slot.reset();
      slot.emplace(*context, bytes);
    }
    return *slot;
  }

  GpuBuffer& frame_buffer(std::optional<GpuBuffer>& slot, const Image& image) {
    GpuBuffer& target = buffer(slot, frame_bytes(image.width, image.height));
    auto* out = static_cast<std::uint32_t*>(target.mapped());
    const std::size_t pixels = static_cast<std::size_t>(image.width) * image.height;
    for (std::size_t i = 0; i < pixels; ++i) {
      const std::uint8_t* p = image.rgb.data() + i * 3;
      out[i] = p[0] | (p[1] << 8) | (p[2] << 16);
    }
    return target;
  }

  static Image download(const GpuBuffer& source, int width, int height) {
    Image image(width, height);
    const auto* in = static_cast<const std::uint32_t*>(source.mapped());
    const std::size_t pixels = static_cast<std::size_t>(width) * height;
    for (std::size_t i = 0; i < pixels; ++i) {
      std::uint8_t* p = image.rgb.data() + i * 3;
      p[0] = in[i] & 255u;
      p[1] = (in[i] >> 8) & 255u;
      p[2] = (in[i] >> 16) & 255u;
    }
    return image;
  }

  // The LUT's table on the device. A LUT held by a plan (`shared`) is uploaded once for all
  // frames; one passed alone is uploaded every time.
  GpuBuffer& lut_buffer(const CubeLut& lut, const std::shared_ptr<const CubeLut>& shared) {
    const VkDeviceSize bytes = lut.table.size() * sizeof(float);
    if (!lut_slot || lut_slot->size() < bytes) uploaded_lut.reset();
    GpuBuffer& target = buffer(lut_slot, bytes);
    if (!shared || shared != uploaded_lut) {
      std::memcpy(target.mapped(), lut.table.data(), bytes);
      uploaded_lut = shared;
    }
    return target;
  }

  // Runs the recorded dispatches and frees their descriptor sets.
  void run(const std::function<void(VkCommandBuffer)>& record) {
    context->run(record);
    check_vk(vkResetDescriptorPool(context->device(), pool, 0), "resetting the descriptor pool");
  }

  // The upscale's taps on the device; computed and uploaded again only when the geometry or the
  // kernel changes (every frame of a take shares them).
  GpuBuffer& taps_buffer(const UpscaleGeometry& g, film::UpscaleKernel kernel) {
    if (taps_key && taps_key->first == kernel && taps_key->second == g) return *taps_slot;
    const UpscaleTaps taps = upscale_taps(g, kernel);
    GpuBuffer& target = buffer(taps_slot, taps.table.size() * sizeof(float));
    std::memcpy(target.mapped(), taps.table.data(), taps.table.size() * sizeof(float));
    taps_stride = taps.stride;
    taps_key.emplace(kernel, g);
    return target;
  }

  void record_upscale(VkCommandBuffer commands, const GpuBuffer& source, const GpuBuffer& target,
                      const GpuBuffer& taps, const UpscaleGeometry& g) {
    const UpscalePush push{{g.source_width, g.source_height},
                           {g.target_width, g.target_height},
                           {g.picture_x, g.picture_y},
                           {g.picture_width, g.picture_height},
                           taps_stride};
    upscale.dispatch(commands, pool, {&source, &target, &taps}, bytes_of(push), g.target_width, g.target_height);
  }

  void record_grade(VkCommandBuffer commands, const GpuBuffer& pixels, const GpuBuffer& table, int width, int height,
                    const CubeLut& lut, film::LutInterpolation interpolation, float strength) {
    const GradePush push{{width, height},
                         lut.size,
                         interpolation == film::LutInterpolation::Tetrahedral ? 1 : 0,
                         {lut.domain_min[0], lut.domain_min[1], lut.domain_min[2], 0},
                         {lut.domain_max[0], lut.domain_max[1], lut.domain_max[2], 0},
                         strength};
    grade.dispatch(commands, pool, {&pixels, &table}, bytes_of(push), width, height);
  }

  void record_palette_lock(VkCommandBuffer commands, const GpuBuffer& pixels, int width, int height,
                           const PaletteTones& tones, float strength) {
    PalettePush push{{width, height}, static_cast<std::int32_t>(tones.directions.size()), strength, {}};
    if (tones.directions.size() > kMaxPaletteTones)
      throw Error("internal: palette '" + tones.name + "' has more than 6 tones", "finish.palette_lock");
    for (std::size_t i = 0; i < tones.directions.size(); ++i)
      for (int k = 0; k < 3; ++k) push.tones[i][k] = tones.directions[i][k];
    palette_lock.dispatch(commands, pool, {&pixels}, bytes_of(push), width, height);
  }

  GpuBuffer& lattice_buffer(int width, int height, const GrainParams& params) {
    const GrainLattice size = grain_lattice_size(width, height, params);
    return buffer(lattice_slot, static_cast<VkDeviceSize>(size.columns) * size.rows * sizeof(float));
  }

  // Two dispatches: the frame's lattice, then every pixel interpolating it.
  void record_grain(VkCommandBuffer commands, const GpuBuffer& pixels, const GpuBuffer& lattice, int width,
                    int height, const GrainParams& params, std::uint32_t seed, std::uint32_t frame) {
    const GrainLattice size = grain_lattice_size(width, height, params);
    const GrainLatticePush lattice_push{{size.columns, size.rows}, seed, frame};
    grain_lattice.dispatch(commands, pool, {&lattice}, bytes_of(lattice_push), size.columns, size.rows);
    const GrainPush push{{width, height}, size.columns, params.strength, 1.0f / params.size};
    grain.dispatch(commands, pool, {&pixels, &lattice}, bytes_of(push), width, height);
  }

  void record_letterbox(VkCommandBuffer commands, const GpuBuffer& pixels, int width, int height,
                        const PictureRect& picture) {
    const LetterboxPush push{{width, height}, {picture.x, picture.y}, {picture.width, picture.height}};
    letterbox.dispatch(commands, pool, {&pixels}, bytes_of(push), width, height);
  }

  std::unique_ptr<VulkanContext> context;
  ComputePipeline upscale, grade, palette_lock, grain_lattice, grain, letterbox, transition;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  std::optional<GpuBuffer> source_slot, target_slot, lut_slot, taps_slot, lattice_slot;
  std::optional<std::pair<film::UpscaleKernel, UpscaleGeometry>> taps_key;  // what taps_slot holds
  int taps_stride = 0;
  std::shared_ptr<const CubeLut> uploaded_lut;
};

GpuPasses::GpuPasses(std::unique_ptr<VulkanContext> context) : state_(std::make_unique<State>(std::move(context))) {}
GpuPasses::~GpuPasses() = default;

const std::string& GpuPasses::device_name() const { return state_->context->device_name(); }

Image GpuPasses::upscale(const Image& source, const UpscaleGeometry& geometry, film::UpscaleKernel kernel) {
  GpuBuffer& in = state_->frame_buffer(state_->source_slot, source);
  GpuBuffer& out = state_->buffer(state_->target_slot, frame_bytes(geometry.target_width, geometry.target_height));
  GpuBuffer& taps = state_->taps_buffer(geometry, kernel);
  state_->run([&](VkCommandBuffer c) { state_->record_upscale(c, in, out, taps, geometry); });
  return State::download(out, geometry.target_width, geometry.target_height);
}

void GpuPasses::grade(Image& image, const CubeLut& lut, film::LutInterpolation interpolation, float strength) {
  GpuBuffer& pixels = state_->frame_buffer(state_->source_slot, image);
  GpuBuffer& table = state_->lut_buffer(lut, nullptr);
  state_->run([&](VkCommandBuffer c) {
    state_->record_grade(c, pixels, table, image.width, image.height, lut, interpolation, strength);
  });
  image = State::download(pixels, image.width, image.height);
}

void GpuPasses::palette_lock(Image& image, const PaletteTones& tones, float strength) {
  GpuBuffer& pixels = state_->frame_buffer(state_->source_slot, image);
  state_->run([&](VkCommandBuffer c) { state_->record_palette_lock(c, pixels, image.width, image.height, tones, strength); });
  image = State::download(pixels, image.width, image.height);
}

void GpuPasses::grain(Image& image, const GrainParams& params, std::uint32_t seed, std::uint32_t frame) {
  GpuBuffer& pixels = state_->frame_buffer(state_->source_slot, image);
  GpuBuffer& lattice = state_->lattice_buffer(image.width, image.height, params);
  state_->run([&](VkCommandBuffer c) {
    state_->record_grain(c, pixels, lattice, image.width, image.height, params, seed, frame);
  });
  image = State::download(pixels, image.width, image.height);
}

void GpuPasses::letterbox(Image& image, const PictureRect& picture) {
  GpuBuffer& pixels = state_->frame_buffer(state_->source_slot, image);
  state_->run([&](VkCommandBuffer c) { state_->record_letterbox(c, pixels, image.width, image.height, picture); });
  image = State::download(pixels, image.width, image.height);
}

Image GpuPasses::transition(const Image& outgoing, const Image& incoming, TransitionStyle style, float incoming_weight) {
  if (outgoing.width != incoming.width || outgoing.height != incoming.height)
    throw Error("transition between frames of different sizes", "finish.transition",
                "scale both shots to the film's resolution first");
  GpuBuffer& a = state_->frame_buffer(state_->source_slot, outgoing);
  GpuBuffer& b = state_->frame_buffer(state_->target_slot, incoming);
  const TransitionPush push{{outgoing.width, outgoing.height}, style == TransitionStyle::DipToBlack ? 1 : 0,
                            incoming_weight};
  state_->run([&](VkCommandBuffer c) {
    state_->transition.dispatch(c, state_->pool, {&a, &b}, bytes_of(push), outgoing.width, outgoing.height);
  });
  return State::download(a, outgoing.width, outgoing.height);
}

Image GpuPasses::finish_frame(const Image& generated, const FinishPlan& plan, std::uint32_t seed, std::uint32_t frame,
                              const CropWindow& window) {
  State& s = *state_;
  GpuBuffer* current = &s.frame_buffer(s.source_slot, generated);
  int width = generated.width, height = generated.height;
  // Every buffer exists before recording starts: the commands refer to them.
  std::optional<UpscaleGeometry> geometry;
  GpuBuffer* upscaled = nullptr;
  GpuBuffer* taps = nullptr;
  if (plan.has(film::FinishPass::Upscale)) {
    geometry = within_window(upscale_geometry(width, height, plan.output.width, plan.output.height, plan.fit), window);
    upscaled = &s.buffer(s.target_slot, frame_bytes(geometry->target_width, geometry->target_height));
    taps = &s.taps_buffer(*geometry, plan.kernel);
  }
  GpuBuffer* lattice = nullptr;
  if (plan.has(film::FinishPass::Grain)) {
    const int grain_width = geometry ? geometry->target_width : width;
    const int grain_height = geometry ? geometry->target_height : height;
    lattice = &s.lattice_buffer(grain_width, grain_height, plan.grain_params());
  }
  GpuBuffer* table = plan.has(film::FinishPass::Grade) ? &s.lut_buffer(*plan.lut, plan.lut) : nullptr;
  s.run([&](VkCommandBuffer c) {
    for (film::FinishPass pass : plan.passes) {
      switch (pass) {
        case film::FinishPass::Deflicker: break;  // a clip pass, run on the CPU by Finisher::finish
        case film::FinishPass::StyleTexture: break;  // likewise
        case film::FinishPass::PaletteMatch: break;  // likewise
        case film::FinishPass::Reframe: break;    // the upscale shows `window`
        case film::FinishPass::Grade:
          s.record_grade(c, *current, *table, width, height, *plan.lut, plan.interpolation,
                         static_cast<float>(plan.lut_strength));
          break;
        case film::FinishPass::PaletteLock:
          s.record_palette_lock(c, *current, width, height, plan.palette, static_cast<float>(plan.palette_lock));
          break;
        case film::FinishPass::Upscale:
          s.record_upscale(c, *current, *upscaled, *taps, *geometry);
          current = upscaled;
          width = geometry->target_width;
          height = geometry->target_height;
          break;
        case film::FinishPass::Grain:
          s.record_grain(c, *current, *lattice, width, height, plan.grain_params(), seed, frame);
          break;
        case film::FinishPass::Letterbox:
          s.record_letterbox(c, *current, width, height, letterbox_rect(width, height, plan.aspect));
          break;
      }
    }
  });
  return State::download(*current, width, height);
}

}  // namespace shotgen::finish
