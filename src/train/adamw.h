#pragma once
// AdamW (decoupled weight decay) over named parameters, with its state keyed by parameter name so
// a checkpoint stores it in a safetensors file and a resumed run restores it exactly, whatever
// libtorch version wrote it. Private to train (exposes libtorch).
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/io/safetensors.h"

namespace shotgen::train {

struct AdamWSettings {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 0.01;
};

class AdamW {
 public:
  // Matrices (dim ≥ 2, except embeddings) get weight decay; biases, norms and embeddings do not
  // (decaying them only pulls offsets and gains toward zero).
  AdamW(const torch::OrderedDict<std::string, torch::Tensor>& parameters, AdamWSettings settings);

  // One update with learning rate `lr` from the parameters' current gradients.
  void step(double lr);

  std::int64_t steps_taken() const { return steps_; }

  // exp_avg.<name>, exp_avg_sq.<name> as F32 tensors; step count in metadata "adamw_steps".
  engine::SafetensorsFile state() const;
  // Restores what state() wrote; throws shotgen::Error (naming `where`) on a missing or
  // mis-shaped tensor.
  void load_state(const engine::SafetensorsFile& file, const std::string& where);

 private:
  struct Slot {
    std::string name;
    torch::Tensor parameter, exp_avg, exp_avg_sq;
    bool decay = false;
  };
  std::vector<Slot> slots_;
  AdamWSettings settings_;
  std::int64_t steps_ = 0;
};

}  // namespace shotgen::train
