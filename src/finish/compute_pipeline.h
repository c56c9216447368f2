#pragma once
// Internal to src/finish: host-mapped storage buffers and compute pipelines. Every finishing
// shader reads and writes storage buffers at bindings 0..n-1 and takes at most
// kPushConstantBytes of push constants; it runs in 8x8 workgroups over a frame.
#include <cstdint>
#include <initializer_list>
#include <span>

#include "finish/vulkan_context.h"

namespace shotgen::finish {

inline constexpr std::uint32_t kPushConstantBytes = 128;  // the minimum every Vulkan device offers

// A storage buffer in memory the CPU maps for as long as the buffer lives.
class GpuBuffer {
 public:
  GpuBuffer(const VulkanContext& context, VkDeviceSize bytes);
  ~GpuBuffer();
  GpuBuffer(const GpuBuffer&) = delete;
  GpuBuffer& operator=(const GpuBuffer&) = delete;

  VkBuffer handle() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }

 private:
  VkDevice device_;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_;
  void* mapped_ = nullptr;
};

class ComputePipeline {
 public:
  ComputePipeline(const VulkanContext& context, std::span<const std::uint32_t> spirv, int buffer_count);
  ~ComputePipeline();
  ComputePipeline(const ComputePipeline&) = delete;
  ComputePipeline& operator=(const ComputePipeline&) = delete;

  // Records one dispatch over a width x height frame reading `buffers` (bindings 0, 1, ...) with
  // `push` as push constants, then a barrier that makes its writes visible to what follows. The
  // descriptor set comes from `pool`, which the caller resets once the commands have run.
  void dispatch(VkCommandBuffer commands, VkDescriptorPool pool, std::initializer_list<const GpuBuffer*> buffers,
                std::span<const std::byte> push, int width, int height) const;

 private:
  void release() noexcept;

  VkDevice device_;
  int buffer_count_;
  VkShaderModule module_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
};

}  // namespace shotgen::finish
