// The Finisher without any Vulkan device (the loader finds no driver): one note, the CPU
// reference's pixels, never an error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "finish/deflicker.h"
#include "finish/finisher.h"
#include "finish/palette_match.h"
#include "finish/style_texture.h"
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

TEST(Finisher, TheDeflickerRunsOverTheWholeClipBeforeTheFramePasses) {
  // Frames that differ by a little everywhere: what the deflicker steadies.
  Clip clip;
  for (std::uint32_t t = 0; t < 6; ++t) {
    Image frame = gradient_image(32, 16);
    const Image noise = testing::noise_image(32, 16, t);
    for (std::size_t i = 0; i < frame.rgb.size(); ++i)
      frame.rgb[i] = static_cast<std::uint8_t>(std::clamp(frame.rgb[i] + noise.rgb[i] / 32 - 4, 0, 255));
    clip.frames.push_back(frame);
  }
  FinishPlan plan = upscale_and_grain();
  plan.passes.insert(plan.passes.begin(), film::FinishPass::Deflicker);
  plan.deflicker = 1.0;
  const Clip steadied = deflicker(clip, 1.0f);
  ASSERT_NE(steadied, clip);
  for (FinishDevice device : {FinishDevice::Cpu, FinishDevice::Vulkan}) {  // Vulkan: lavapipe where there is no GPU
    Finisher finisher = Finisher::open(device, {});
    const Clip finished = finisher.finish(clip, plan, 5);
    ASSERT_EQ(finished.frame_count(), 6);
    for (std::uint32_t t = 0; t < 6; ++t) {
      const Image expected = finish_frame_reference(steadied.frames[t], plan, grain_seed(5), t);
      EXPECT_LE(max_difference(finished.frames[t], expected), 1) << finisher.device() << " frame " << t;
    }
  }
}

TEST(Finisher, TheStyleTextureRunsOnTheSteadiedClipBeforeTheFramePasses) {
  Clip clip;
  for (std::uint32_t t = 0; t < 4; ++t) clip.frames.push_back(gradient_image(32, 16));
  FinishPlan plan = upscale_and_grain();
  plan.passes.insert(plan.passes.begin(), {film::FinishPass::Deflicker, film::FinishPass::StyleTexture});
  plan.deflicker = 1.0;
  const Clip textured = draw_style_texture(deflicker(clip, 1.0f), world::Style::Photoreal, 5);
  Finisher finisher = Finisher::open(FinishDevice::Cpu, {});
  const Clip finished = finisher.finish(clip, plan, 5, {.texture = world::Style::Photoreal});
  ASSERT_EQ(finished.frame_count(), 4);
  for (std::uint32_t t = 0; t < 4; ++t)
    EXPECT_EQ(finished.frames[t], finish_frame_reference(textured.frames[t], plan, grain_seed(5), t)) << t;
  // No style decided (the model drew the one asked), or a plan without the pass: no texture.
  const Clip plain = finisher.finish(clip, plan, 5);
  EXPECT_NE(plain, finished);
  FinishPlan without = plan;
  without.passes.erase(without.passes.begin() + 1);
  EXPECT_EQ(finisher.finish(clip, without, 5, {.texture = world::Style::Photoreal}), plain);
}

TEST(Finisher, ThePaletteMatchRunsAfterTheStyleTextureBeforeTheFramePasses) {
  Clip clip;
  for (std::uint32_t t = 0; t < 4; ++t) clip.frames.push_back(gradient_image(32, 16));
  FinishPlan plan = upscale_and_grain();
  plan.passes.insert(plan.passes.begin(), {film::FinishPass::StyleTexture, film::FinishPass::PaletteMatch});
  const FinishDecisions decided{.texture = world::Style::Photoreal, .palette = world::Palette::Monochrome};
  const Clip matched = match_palette(draw_style_texture(clip, world::Style::Photoreal, 5), world::Palette::Monochrome, 5);
  Finisher finisher = Finisher::open(FinishDevice::Cpu, {});
  const Clip finished = finisher.finish(clip, plan, 5, decided);
  ASSERT_EQ(finished.frame_count(), 4);
  for (std::uint32_t t = 0; t < 4; ++t)
    EXPECT_EQ(finished.frames[t], finish_frame_reference(matched.frames[t], plan, grain_seed(5), t)) << t;
  // No palette decided, or a plan without the pass: the texture alone.
  const Clip textured = finisher.finish(clip, plan, 5, {.texture = world::Style::Photoreal});
  EXPECT_NE(textured, finished);
  FinishPlan without = plan;
  without.passes.erase(without.passes.begin() + 1);
  EXPECT_EQ(finisher.finish(clip, without, 5, decided), textured);
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
