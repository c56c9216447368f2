#include "engine/io/weights.h"

#include <cstring>
#include <sstream>

#include "core/error.h"

namespace shotgen::engine {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

}  // namespace

torch::Tensor tensor_from_bytes(const TensorBytes& bytes) {
  const auto count = bytes.element_count();
  torch::Tensor out = torch::empty(bytes.shape, torch::kFloat32);
  float* dst = out.data_ptr<float>();
  const char* src = bytes.bytes.data();
  if (bytes.dtype == DType::F32) {
    std::memcpy(dst, src, static_cast<std::size_t>(count) * 4);
    return out;
  }
  for (std::int64_t i = 0; i < count; ++i) {
    std::uint16_t bits;
    std::memcpy(&bits, src + 2 * i, 2);
    dst[i] = bytes.dtype == DType::F16 ? half_to_float(bits) : bfloat16_to_float(bits);
  }
  return out;
}

TensorBytes tensor_to_bytes(const torch::Tensor& tensor, DType dtype) {
  torch::Tensor values = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  TensorBytes out;
  out.dtype = dtype;
  out.shape.assign(values.sizes().begin(), values.sizes().end());
  const auto count = values.numel();
  const float* src = values.data_ptr<float>();
  out.bytes.resize(static_cast<std::size_t>(count) * dtype_size(dtype));
  if (dtype == DType::F32) {
    std::memcpy(out.bytes.data(), src, out.bytes.size());
    return out;
  }
  for (std::int64_t i = 0; i < count; ++i) {
    const std::uint16_t bits = dtype == DType::F16 ? float_to_half(src[i]) : float_to_bfloat16(src[i]);
    std::memcpy(out.bytes.data() + 2 * i, &bits, 2);
  }
  return out;
}

void load_weights(torch::nn::Module& module, const SafetensorsFile& weights, const std::string& where,
                  const MayBeMissing& may_be_missing) {
  auto parameters = module.named_parameters(true);
  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& item : parameters) {
    auto it = weights.tensors.find(item.key());
    if (it == weights.tensors.end()) {
      if (!may_be_missing || !may_be_missing(item.key())) missing.push_back(item.key());
      continue;
    }
    const std::vector<std::int64_t> expected(item.value().sizes().begin(), item.value().sizes().end());
    if (it->second.shape != expected)
      mismatched.push_back(item.key() + " is " + shape_text(it->second.shape) + ", model needs " + shape_text(expected));
  }
  for (const auto& [name, tensor] : weights.tensors)
    if (!parameters.contains(name)) unexpected.push_back(name);

  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::ostringstream what;
    what << "weights do not match the model:";
    auto list = [&](const char* label, const std::vector<std::string>& names) {
      if (names.empty()) return;
      what << " " << names.size() << " " << label << " (";
      for (std::size_t i = 0; i < names.size(); ++i) what << (i ? "; " : "") << names[i];
      what << ")";
    };
    list("missing", missing);
    list("unexpected", unexpected);
    list("shape mismatches", mismatched);
    throw Error(what.str(), where, "use the config.json that was saved with these weights");
  }
  torch::NoGradGuard no_grad;
  for (const auto& item : parameters) {
    auto it = weights.tensors.find(item.key());
    if (it == weights.tensors.end()) continue;  // allowed to be missing: keeps its value
    torch::Tensor target = item.value();
    target.copy_(tensor_from_bytes(it->second).to(target.device(), target.scalar_type()));
  }
}

std::map<std::string, std::string> load_weights(torch::nn::Module& module, const std::filesystem::path& file,
                                                const MayBeMissing& may_be_missing) {
  if (!std::filesystem::exists(file))
    throw Error("weights file not found", file.string(), "the model directory must hold weights.safetensors");
  SafetensorsFile weights = read_safetensors(file);
  load_weights(module, weights, file.string(), may_be_missing);
  return weights.metadata;
}

SafetensorsFile weights_to_safetensors(const torch::nn::Module& module, DType dtype) {
  SafetensorsFile file;
  for (const auto& item : module.named_parameters(true)) file.tensors.emplace(item.key(), tensor_to_bytes(item.value(), dtype));
  return file;
}

void save_weights(const torch::nn::Module& module, const std::filesystem::path& file, DType dtype,
                  const std::map<std::string, std::string>& metadata) {
  SafetensorsFile out = weights_to_safetensors(module, dtype);
  out.metadata = metadata;
  write_safetensors(file, out);
}

}  // namespace shotgen::engine
