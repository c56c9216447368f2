#pragma once
// Moving a module's parameters to and from safetensors files. Private to engine + train (libtorch).
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "engine/io/safetensors.h"

namespace shotgen::engine {

// Loads every parameter of `module` from `file` (F32, F16 or BF16; converted to the parameter's
// dtype). Checks all names, shapes and dtypes first and throws ONE shotgen::Error listing every
// mismatch (missing tensors, unexpected tensors, shape mismatches); nothing is modified then.
// Returns the file's __metadata__. Parameters for which `may_be_missing` is true (a part added to a
// trained model, e.g. the word path) keep their current values when the file lacks them.
using MayBeMissing = std::function<bool(const std::string& name)>;
std::map<std::string, std::string> load_weights(torch::nn::Module& module, const std::filesystem::path& file,
                                                const MayBeMissing& may_be_missing = {});
// Same, from an already parsed file (`where` names it in messages).
void load_weights(torch::nn::Module& module, const SafetensorsFile& weights, const std::string& where,
                  const MayBeMissing& may_be_missing = {});

// Every parameter of `module` stored as `dtype`, with `metadata`; written atomically.
void save_weights(const torch::nn::Module& module, const std::filesystem::path& file, DType dtype,
                  const std::map<std::string, std::string>& metadata = {});

// The parameters as a safetensors structure (used by save_weights and by tests).
SafetensorsFile weights_to_safetensors(const torch::nn::Module& module, DType dtype);

// One tensor ⇄ bytes.
torch::Tensor tensor_from_bytes(const TensorBytes& bytes);  // → float32 CPU tensor
TensorBytes tensor_to_bytes(const torch::Tensor& tensor, DType dtype);

}  // namespace shotgen::engine
