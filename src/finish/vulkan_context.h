#pragma once
// Internal to src/finish (no other module includes Vulkan): the headless compute context the
// finishing shaders run on: instance, one physical device, its compute queue, one command buffer
// and a fence. No window, no surface, no validation layers.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"

namespace shotgen::finish {

// Throws shotgen::Error ("Vulkan: <doing> failed (VK_ERROR_...)") unless `result` is VK_SUCCESS.
void check_vk(VkResult result, const std::string& doing);

class VulkanContext {
 public:
  // The best device with a compute queue: a discrete GPU, then an integrated, virtual or other
  // GPU, then a CPU implementation such as lavapipe. When there is none (no loader, no driver, no
  // device), the Problem says why in one line.
  static Outcome<std::unique_ptr<VulkanContext>> create();
  ~VulkanContext();
  VulkanContext(const VulkanContext&) = delete;
  VulkanContext& operator=(const VulkanContext&) = delete;

  VkDevice device() const { return device_; }
  const std::string& device_name() const { return device_name_; }
  bool is_cpu_implementation() const { return cpu_implementation_; }
  // A memory type among `allowed_types` (a bit mask) that the CPU can map, coherent, preferring
  // device-local memory. Throws when there is none.
  std::uint32_t mappable_memory_type(std::uint32_t allowed_types) const;

  // Records `record` into the context's command buffer, submits it and waits for the device.
  void run(const std::function<void(VkCommandBuffer)>& record) const;

 private:
  VulkanContext() = default;

  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkCommandPool command_pool_ = VK_NULL_HANDLE;
  VkCommandBuffer command_buffer_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  std::string device_name_;
  bool cpu_implementation_ = false;
};

}  // namespace shotgen::finish
