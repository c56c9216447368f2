#include "finish/vulkan_context.h"

#include <vector>

namespace shotgen::finish {
namespace {

std::string result_name(VkResult result) {
  switch (result) {
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER (no Vulkan driver installed)";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    default: return "VkResult " + std::to_string(static_cast<int>(result));
  }
}

// Lower is better: discrete GPUs first, CPU implementations last.
int device_rank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 4;
    default: return 3;
  }
}

}  // namespace

void check_vk(VkResult result, const std::string& doing) {
  if (result != VK_SUCCESS)
    throw Error("Vulkan: " + doing + " failed (" + result_name(result) + ")", "finish",
                "set SHOTGEN_FINISH_DEVICE=cpu to finish on the CPU reference");
}

Outcome<std::unique_ptr<VulkanContext>> VulkanContext::create() {
  std::unique_ptr<VulkanContext> context(new VulkanContext());
  try {
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "shotgen";
    app.apiVersion = VK_API_VERSION_1_0;
    VkInstanceCreateInfo instance_info{};
    instance_info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    instance_info.pApplicationInfo = &app;
    check_vk(vkCreateInstance(&instance_info, nullptr, &context->instance_), "creating an instance");

    std::uint32_t count = 0;
    check_vk(vkEnumeratePhysicalDevices(context->instance_, &count, nullptr), "listing devices");
    std::vector<VkPhysicalDevice> devices(count);
    check_vk(vkEnumeratePhysicalDevices(context->instance_, &count, devices.data()), "listing devices");
    int best_rank = 1 << 30;
    std::uint32_t best_family = 0;
    for (VkPhysicalDevice candidate : devices) {
      VkPhysicalDeviceProperties properties;
      vkGetPhysicalDeviceProperties(candidate, &properties);
      std::uint32_t family_count = 0;
      vkGetPhysicalDeviceQueueFamilyProperties(candidate, &family_count, nullptr);
      std::vector<VkQueueFamilyProperties> families(family_count);
      vkGetPhysicalDeviceQueueFamilyProperties(candidate, &family_count, families.data());
      for (std::uint32_t f = 0; f < family_count; ++f) {
        if (!(families[f].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
        const int rank = device_rank(properties.deviceType);
        if (rank < best_rank) {
          best_rank = rank;
          best_family = f;
          context->physical_ = candidate;
          context->device_name_ = properties.deviceName;
          context->cpu_implementation_ = properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
        }
        break;
      }
    }
    if (context->physical_ == VK_NULL_HANDLE)
      return Problem{"no Vulkan device with a compute queue (" + std::to_string(count) + " device(s) found)", "finish",
                     "install a Vulkan driver (mesa-vulkan-drivers provides lavapipe)", ErrorKind::NotFound,
                     "no-vulkan-device"};

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{};
    queue_info.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    queue_info.queueFamilyIndex = best_family;
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkDeviceCreateInfo device_info{};
    device_info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    check_vk(vkCreateDevice(context->physical_, &device_info, nullptr, &context->device_), "creating the device");
    vkGetDeviceQueue(context->device_, best_family, 0, &context->queue_);

    VkCommandPoolCreateInfo pool_info{};
    pool_info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_info.queueFamilyIndex = best_family;
    check_vk(vkCreateCommandPool(context->device_, &pool_info, nullptr, &context->command_pool_), "creating a command pool");
    VkCommandBufferAllocateInfo buffer_info{};
    buffer_info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    buffer_info.commandPool = context->command_pool_;
    buffer_info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    buffer_info.commandBufferCount = 1;
    check_vk(vkAllocateCommandBuffers(context->device_, &buffer_info, &context->command_buffer_),
             "allocating a command buffer");
    VkFenceCreateInfo fence_info{};
    fence_info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    check_vk(vkCreateFence(context->device_, &fence_info, nullptr, &context->fence_), "creating a fence");
  } catch (const Error& e) {
    return Problem{e.problem().what, "finish", "install a Vulkan driver (mesa-vulkan-drivers provides lavapipe)",
                   ErrorKind::NotFound, "no-vulkan-device"};
  }
  return context;
}

VulkanContext::~VulkanContext() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    if (fence_ != VK_NULL_HANDLE) vkDestroyFence(device_, fence_, nullptr);
    if (command_pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(device_, command_pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE) vkDestroyInstance(instance_, nullptr);
}

std::uint32_t VulkanContext::mappable_memory_type(std::uint32_t allowed_types) const {
  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties(physical_, &memory);
  const VkMemoryPropertyFlags needed = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  int best = -1;
  for (std::uint32_t i = 0; i < memory.memoryTypeCount; ++i) {
    const VkMemoryPropertyFlags flags = memory.memoryTypes[i].propertyFlags;
    if (!(allowed_types & (1u << i)) || (flags & needed) != needed) continue;
    if (best < 0 || (flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)) best = static_cast<int>(i);
    if (flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) break;
  }
  if (best < 0)
    throw Error("Vulkan: the device has no host-visible coherent memory", device_name_,
                "set SHOTGEN_FINISH_DEVICE=cpu to finish on the CPU reference");
  return static_cast<std::uint32_t>(best);
}

void VulkanContext::run(const std::function<void(VkCommandBuffer)>& record) const {
  check_vk(vkResetCommandBuffer(command_buffer_, 0), "resetting the command buffer");
  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check_vk(vkBeginCommandBuffer(command_buffer_, &begin), "recording commands");
  record(command_buffer_);
  check_vk(vkEndCommandBuffer(command_buffer_), "recording commands");
  VkSubmitInfo submit{};
  submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &command_buffer_;
  check_vk(vkResetFences(device_, 1, &fence_), "resetting the fence");
  check_vk(vkQueueSubmit(queue_, 1, &submit, fence_), "submitting work");
  check_vk(vkWaitForFences(device_, 1, &fence_, VK_TRUE, UINT64_MAX), "waiting for the device");
}

}  // namespace shotgen::finish
