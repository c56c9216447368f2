#include "train/adamw.h"

#include <cmath>
#include <vector>

#include "core/error.h"
#include "engine/io/weights.h"

namespace shotgen::train {
namespace {

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

}  // namespace

AdamW::AdamW(const torch::OrderedDict<std::string, torch::Tensor>& parameters, AdamWSettings settings)
    : settings_(settings) {
  for (const auto& item : parameters) {
    const torch::Tensor& p = item.value();
    if (!p.requires_grad()) continue;
    const std::string& name = item.key();
    const bool decay = p.dim() >= 2 && !contains(name, "embedding") && !contains(name, "norm");
    slots_.push_back({name, p, torch::zeros_like(p), torch::zeros_like(p), decay});
  }
}

void AdamW::step(double lr) {
  torch::NoGradGuard no_grad;
  ++steps_;
  const double correction1 = 1.0 - std::pow(settings_.beta1, static_cast<double>(steps_));
  const double correction2 = 1.0 - std::pow(settings_.beta2, static_cast<double>(steps_));
  const double step_size = lr / correction1;
  const double root_correction2 = std::sqrt(correction2);
  // One multi-tensor (_foreach) kernel per update term over every parameter, rather than five
  // kernels per parameter tensor: on a GPU the per-tensor launches, not the arithmetic, were the
  // optimizer's cost. The order of operations is the per-tensor one, so the numbers are the same.
  std::vector<torch::Tensor> parameters, grads, exp_avgs, exp_avg_sqs, decayed;
  for (Slot& slot : slots_) {
    const torch::Tensor& grad = slot.parameter.grad();
    if (!grad.defined()) continue;
    parameters.push_back(slot.parameter);
    grads.push_back(grad);
    exp_avgs.push_back(slot.exp_avg);
    exp_avg_sqs.push_back(slot.exp_avg_sq);
    if (slot.decay) decayed.push_back(slot.parameter);
  }
  if (parameters.empty()) return;
  if (!decayed.empty()) at::_foreach_mul_(decayed, 1.0 - lr * settings_.weight_decay);
  at::_foreach_mul_(exp_avgs, settings_.beta1);
  at::_foreach_add_(exp_avgs, grads, 1.0 - settings_.beta1);
  at::_foreach_mul_(exp_avg_sqs, settings_.beta2);
  at::_foreach_addcmul_(exp_avg_sqs, grads, grads, 1.0 - settings_.beta2);
  std::vector<torch::Tensor> denominators = at::_foreach_sqrt(exp_avg_sqs);
  at::_foreach_div_(denominators, root_correction2);
  at::_foreach_add_(denominators, settings_.epsilon);
  at::_foreach_addcdiv_(parameters, exp_avgs, denominators, -step_size);
}

engine::SafetensorsFile AdamW::state() const {
  engine::SafetensorsFile file;
  for (const Slot& slot : slots_) {
    file.tensors["exp_avg." + slot.name] = engine::tensor_to_bytes(slot.exp_avg, engine::DType::F32);
    file.tensors["exp_avg_sq." + slot.name] = engine::tensor_to_bytes(slot.exp_avg_sq, engine::DType::F32);
  }
  file.metadata["adamw_steps"] = std::to_string(steps_);
  return file;
}

void AdamW::load_state(const engine::SafetensorsFile& file, const std::string& where) {
  torch::NoGradGuard no_grad;
  auto restore = [&](const std::string& key, torch::Tensor& target) {
    auto it = file.tensors.find(key);
    if (it == file.tensors.end())
      throw Error("optimizer state lacks tensor '" + key + "'", where, "resume from a checkpoint of the same model");
    torch::Tensor value = engine::tensor_from_bytes(it->second);
    if (value.sizes() != target.sizes())
      throw Error("optimizer tensor '" + key + "' has the wrong shape", where,
                  "resume from a checkpoint of the same model");
    target.copy_(value);
  };
  for (Slot& slot : slots_) {
    restore("exp_avg." + slot.name, slot.exp_avg);
    restore("exp_avg_sq." + slot.name, slot.exp_avg_sq);
  }
  auto it = file.metadata.find("adamw_steps");
  if (it == file.metadata.end())
    throw Error("optimizer state lacks 'adamw_steps'", where, "resume from a checkpoint written by shotgen");
  steps_ = std::stoll(it->second);
}

}  // namespace shotgen::train
