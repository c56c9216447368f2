#pragma once
// loss.csv of a training run: one row per step (step,loss,ema_loss,lr,seconds). A resumed run keeps
// the rows up to the checkpoint it resumes from (a killed run may have logged steps past its last
// checkpoint; they are trained again). Private to train.
#include <cstdint>
#include <filesystem>
#include <fstream>

namespace shotgen::train {

class LossLog {
 public:
  LossLog(const std::filesystem::path& path, std::int64_t resume_step, bool resume);
  void append(std::int64_t step, double loss, double ema_loss, double learning_rate, double seconds);

 private:
  std::ofstream out_;
};

}  // namespace shotgen::train
