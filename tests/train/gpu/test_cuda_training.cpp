// Training on CUDA (label "gpu": skipped where libtorch sees no CUDA device; run by
// scripts/gpu-check.sh): a run stopped and resumed on CUDA continues (a resume on CUDA once crashed
// two steps in), and its checkpoint resumes on the CPU too.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "support/test_support.h"
#include "train/tiny_training.h"
#include "train/trainer.h"

namespace shotgen::train {
namespace {

TrainOptions tiny_cuda_options(const std::filesystem::path& out, std::int64_t steps) {
  TrainOptions options = testing::tiny_train_options(out, steps);
  options.batch_size = 4;
  options.device = "cuda";
  options.export_at_end = false;
  return options;
}

TEST(CudaTraining, AStoppedRunResumesOnCudaAndItsCheckpointOnTheCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device visible to libtorch";
  testing::TempDir dir;
  TrainSummary first = train(tiny_cuda_options(dir.path(), 3));
  EXPECT_EQ(first.steps, 3);
  EXPECT_EQ(first.device.rfind("cuda", 0), 0u) << first.device;

  TrainOptions resumed = tiny_cuda_options(dir.path(), 8);
  resumed.resume = true;
  TrainSummary second = train(resumed);
  EXPECT_EQ(second.steps, 8);
  EXPECT_TRUE(std::isfinite(second.final_loss));
  const auto state = nlohmann::json::parse(read_file(dir.path() / "checkpoint" / "state.json"));
  EXPECT_EQ(state.at("step").get<int>(), 8);

  TrainOptions on_cpu = tiny_cuda_options(dir.path(), 10);
  on_cpu.resume = true;
  on_cpu.device = "cpu";
  TrainSummary third = train(on_cpu);
  EXPECT_EQ(third.steps, 10);
  EXPECT_TRUE(std::isfinite(third.final_loss));
}

}  // namespace
}  // namespace shotgen::train
