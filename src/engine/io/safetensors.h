#pragma once
// safetensors files (https://github.com/huggingface/safetensors format): an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
// {string: string}}, then the tensors' raw little-endian bytes, back to back.
// Torch-free: tensors travel as raw bytes; engine/io/weights.h converts them to torch tensors.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace shotgen::engine {

enum class DType { F32, F16, BF16 };

std::string_view dtype_name(DType dtype);  // "F32", "F16", "BF16" (the file's spelling)
std::size_t dtype_size(DType dtype);       // bytes per element

struct TensorBytes {
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::string bytes;  // element_count(shape) * dtype_size(dtype) bytes, little-endian

  std::int64_t element_count() const;
};

struct SafetensorsFile {
  std::map<std::string, TensorBytes> tensors;        // sorted by name
  std::map<std::string, std::string> metadata;       // "__metadata__"
};

// Parses `bytes` read from `where` (used in messages). Throws shotgen::Error naming the file and,
// where one is concerned, the tensor: file shorter than 8 bytes, header length beyond the file,
// invalid JSON, unknown dtype, bad shape, data offsets out of range, overlapping, leaving a gap,
// not matching shape × dtype size, trailing bytes after the last tensor.
SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& where);

// Reads and parses a file (see parse_safetensors).
SafetensorsFile read_safetensors(const std::filesystem::path& path);

// The file's bytes: tensors in name order, header padded with spaces to a multiple of 8 bytes.
std::string serialize_safetensors(const SafetensorsFile& file);

// Writes atomically (temp file + rename). Throws shotgen::Error if a tensor's byte size does not
// match its shape and dtype.
void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file);

// Element conversions used for f16/bf16 (round-to-nearest-even on the way down).
std::uint16_t float_to_half(float value);
float half_to_float(std::uint16_t bits);
std::uint16_t float_to_bfloat16(float value);
float bfloat16_to_float(std::uint16_t bits);

}  // namespace shotgen::engine
