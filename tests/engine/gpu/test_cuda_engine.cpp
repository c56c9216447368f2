// The CUDA path against the CPU (label "gpu": skipped where libtorch sees no CUDA device; run by
// scripts/gpu-check.sh on the GPU machine). The shipped model, one 8-frame 128x64 clip at the
// sampler settings of `model eval`.
//
// The stated tolerance (docs/ENGINE.md, "CUDA and the CPU"): CUDA runs the denoiser in bf16
// autocast, the CPU in float32, so the same seed gives close, not equal, frames: mean |Δ| at most
// 4/255 and the 99th percentile at most 16/255 over every pixel and channel (measured on an H200,
// libtorch 2.11: mean 2.3, p99 8, max 18). On one device the same seed gives the same bits.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "engine/engine.h"

namespace shotgen::engine {
namespace {

constexpr double kMeanTolerance = 4.0;  // of 255
constexpr int kP99Tolerance = 16;

#define SKIP_WITHOUT_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device visible to libtorch"

std::vector<Clip> generate_on(DeviceChoice device, int clips = 1) {
  Engine engine = Engine::load(default_model_dir(), device);
  std::vector<GenerationRequest> batch;
  for (int i = 0; i < clips; ++i) {
    GenerationRequest request;
    request.positive = "flat 2D animation, warm palette, golden hour, a figure on a pier, pan left";
    request.negative = "photorealistic, green tones";
    request.frames = 8;
    request.width = 128;
    request.height = 64;
    request.seed = 11 + static_cast<std::uint64_t>(i);
    batch.push_back(request);
  }
  SamplerSettings settings;
  settings.steps = 20;
  settings.guidance = 3.0;
  settings.shift = 3.0;
  return engine.generate(batch, settings);
}

TEST(CudaEngine, GenerateAgreesWithTheCpuWithinTheStatedTolerance) {
  SKIP_WITHOUT_CUDA();
  const auto cpu = generate_on(DeviceChoice::Cpu, 2);
  const auto cuda = generate_on(DeviceChoice::Cuda, 2);
  ASSERT_EQ(cpu.size(), cuda.size());
  std::vector<int> differences;
  for (std::size_t c = 0; c < cpu.size(); ++c) {
    ASSERT_EQ(cpu[c].frame_count(), cuda[c].frame_count());
    for (int f = 0; f < cpu[c].frame_count(); ++f) {
      const auto& a = cpu[c].frames[static_cast<std::size_t>(f)].rgb;
      const auto& b = cuda[c].frames[static_cast<std::size_t>(f)].rgb;
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t i = 0; i < a.size(); ++i) differences.push_back(std::abs(int(a[i]) - int(b[i])));
    }
  }
  double sum = 0;
  for (int d : differences) sum += d;
  const double mean = sum / static_cast<double>(differences.size());
  std::sort(differences.begin(), differences.end());
  const int p99 = differences[differences.size() * 99 / 100];
  RecordProperty("mean_abs_difference", std::to_string(mean));
  RecordProperty("p99_abs_difference", p99);
  RecordProperty("max_abs_difference", differences.back());
  EXPECT_LE(mean, kMeanTolerance) << "p99 " << p99 << ", max " << differences.back();
  EXPECT_LE(p99, kP99Tolerance) << "mean " << mean << ", max " << differences.back();
}

TEST(CudaEngine, TheSameSeedGivesTheSameBitsOnOneDevice) {
  SKIP_WITHOUT_CUDA();
  const auto first = generate_on(DeviceChoice::Cuda);
  const auto second = generate_on(DeviceChoice::Cuda);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(first[0].frame_count(), second[0].frame_count());
  for (int f = 0; f < first[0].frame_count(); ++f)
    EXPECT_TRUE(first[0].frames[static_cast<std::size_t>(f)].rgb == second[0].frames[static_cast<std::size_t>(f)].rgb)
        << "frame " << f;
}

}  // namespace
}  // namespace shotgen::engine
