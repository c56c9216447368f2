// The Finisher without any Vulkan device (the loader finds no driver): one note, the CPU
// reference's pixels, never an error.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "finish/finisher.h"
#include "finish/vulkan_context.h"
#include "finish_fixtures.h"

namespace shotgen::finish {
namespace {

using testing::gradient_image;
using testing::max_difference;

// Points the Vulkan loader at a driver manifest that does not exist while in scope.
class NoVulkanDriver {
 public:
  NoVulkanDriver() {
    for (const char* name : kVariables) {
      const char* value = std::getenv(name);
      saved_.push_back(value ? std::optional<std::string>(value) : std::nullopt);
      ::setenv(name, "/nonexistent/shotgen_icd.json", 1);
    }
  }
  ~NoVulkanDriver() {
    for (std::size_t i = 0; i < saved_.size(); ++i) {
      if (saved_[i])
        ::setenv(kVariables[i], saved_[i]->c_str(), 1);
      else
        ::unsetenv(kVariables[i]);
    }
  }

 private:
  static constexpr const char* kVariables[] = {"VK_ICD_FILENAMES", "VK_DRIVER_FILES"};
  std::vector<std::optional<std::string>> saved_;
};

FinishPlan upscale_and_grain() {
  FinishPlan plan;
  plan.passes = {film::FinishPass::Upscale, film::FinishPass::Grain};
  plan.output = {64, 32};
  plan.grain = 0.08;
  return plan;
}

TEST(Finisher, WithoutAVulkanDeviceOneNoteAndTheCpuReference) {
  const NoVulkanDriver no_driver;
  const auto context = VulkanContext::create();
  ASSERT_FALSE(context.ok());
  EXPECT_EQ(context.problem().kind, ErrorKind::NotFound);
  EXPECT_EQ(context.problem().code, "no-vulkan-device");

  for (FinishDevice device : {FinishDevice::Vulkan, FinishDevice::Auto}) {
    std::vector<std::string> notes;
    Finisher finisher = Finisher::open(device, [&](const std::string& line) { notes.push_back(line); });
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].rfind("no Vulkan device (", 0), 0u) << notes[0];
    EXPECT_NE(notes[0].find("finishing on the CPU reference"), std::string::npos) << notes[0];
    EXPECT_EQ(notes[0].find('\n'), std::string::npos);
    EXPECT_EQ(finisher.device(), "cpu reference");

    Clip clip;
    clip.frames = {gradient_image(32, 16), gradient_image(32, 16)};
    const FinishPlan plan = upscale_and_grain();
    const Clip finished = finisher.finish(clip, plan, 99);
    ASSERT_EQ(finished.frame_count(), 2);
    EXPECT_EQ(finished.frames[1].width, 64);
    EXPECT_EQ(max_difference(finished.frames[1], finish_frame_reference(clip.frames[1], plan, grain_seed(99), 1)), 0);
  }
}

TEST(Finisher, CpuDeviceNeedsNoVulkanAndSaysNothing) {
  std::vector<std::string> notes;
  Finisher finisher = Finisher::open(FinishDevice::Cpu, [&](const std::string& line) { notes.push_back(line); });
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(finisher.device(), "cpu reference");
}

TEST(Finisher, DeviceNamesAndTheEnvironment) {
  EXPECT_EQ(finish_device_from_name("vulkan"), FinishDevice::Vulkan);
  EXPECT_EQ(finish_device_from_name("gpu"), std::nullopt);
  ::setenv("SHOTGEN_FINISH_DEVICE", "gpu", 1);
  try {
    finish_device_from_environment();
    ADD_FAILURE() << "an unknown device name must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::OutOfRange);
    EXPECT_EQ(e.problem().where, "SHOTGEN_FINISH_DEVICE");
  }
  ::setenv("SHOTGEN_FINISH_DEVICE", "cpu", 1);
  EXPECT_EQ(finish_device_from_environment(), FinishDevice::Cpu);
  ::unsetenv("SHOTGEN_FINISH_DEVICE");
  EXPECT_EQ(finish_device_from_environment(), FinishDevice::Auto);
}

}  // namespace
}  // namespace shotgen::finish
