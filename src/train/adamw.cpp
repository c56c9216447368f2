#include "train/adamw.h"

#include <cmath>

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
  for (Slot& slot : slots_) {
    const torch::Tensor& grad = slot.parameter.grad();
    if (!grad.defined()) continue;
    if (slot.decay) slot.parameter.mul_(1.0 - lr * settings_.weight_decay);
    slot.exp_avg.mul_(settings_.beta1).add_(grad, 1.0 - settings_.beta1);
    slot.exp_avg_sq.mul_(settings_.beta2).addcmul_(grad, grad, 1.0 - settings_.beta2);
    torch::Tensor denominator = (slot.exp_avg_sq.sqrt() / root_correction2).add_(settings_.epsilon);
    slot.parameter.addcdiv_(slot.exp_avg, denominator, -step_size);
  }
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
