#include "engine/io/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"

namespace shotgen::engine {
namespace {

using nlohmann::json;

constexpr std::string_view kFix = "the weights file is corrupted or not a safetensors file; re-export or re-download it";

[[noreturn]] void fail(const std::string& what, const std::string& where) {
  throw Error(what, where, std::string(kFix));
}

bool parse_dtype(const std::string& name, DType& out) {
  if (name == "F32") out = DType::F32;
  else if (name == "F16") out = DType::F16;
  else if (name == "BF16") out = DType::BF16;
  else return false;
  return true;
}

std::uint64_t read_u64_le(std::string_view bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

void append_u64_le(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

}  // namespace

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
  }
  return "?";
}

std::size_t dtype_size(DType dtype) { return dtype == DType::F32 ? 4 : 2; }

std::int64_t TensorBytes::element_count() const {
  std::int64_t count = 1;
  for (std::int64_t dim : shape) count *= dim;
  return count;
}

SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& where) {
  if (bytes.size() < 8)
    fail("file is " + std::to_string(bytes.size()) + " bytes, shorter than the 8-byte header length", where);
  const std::uint64_t header_length = read_u64_le(bytes);
  if (header_length > bytes.size() - 8)
    fail("header length " + std::to_string(header_length) + " reaches beyond the end of the file (" +
             std::to_string(bytes.size()) + " bytes)",
         where);
  json header;
  try {
    header = json::parse(bytes.substr(8, header_length));
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number too large
    fail(std::string("header is not valid JSON: ") + e.what(), where);
  }
  if (!header.is_object()) fail("header is not a JSON object", where);

  const std::string_view data = bytes.substr(8 + header_length);
  SafetensorsFile file;
  struct Span {
    std::uint64_t begin, end;
    std::string name;
  };
  std::vector<Span> spans;
  for (const auto& item : header.items()) {
    const std::string& name = item.key();
    const json& entry = item.value();
    if (name == "__metadata__") {
      if (!entry.is_object()) fail("__metadata__ is not a JSON object", where);
      for (const auto& meta : entry.items()) {
        if (!meta.value().is_string()) fail("__metadata__ value '" + meta.key() + "' is not a string", where);
        file.metadata[meta.key()] = meta.value().get<std::string>();
      }
      continue;
    }
    const std::string at = where + ": tensor '" + name + "'";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
      fail("entry must be an object with dtype, shape and data_offsets", at);
    TensorBytes tensor;
    if (!entry["dtype"].is_string() || !parse_dtype(entry["dtype"].get<std::string>(), tensor.dtype))
      fail("unsupported dtype " + entry["dtype"].dump() + " (supported: F32, F16, BF16)", at);
    if (!entry["shape"].is_array()) fail("shape is not an array", at);
    for (const json& dim : entry["shape"]) {
      if (!dim.is_number_integer() || dim.get<std::int64_t>() < 0) fail("shape has a bad dimension " + dim.dump(), at);
      tensor.shape.push_back(dim.get<std::int64_t>());
    }
    const json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      fail("data_offsets must be two non-negative integers", at);
    const std::uint64_t begin = offsets[0].get<std::uint64_t>();
    const std::uint64_t end = offsets[1].get<std::uint64_t>();
    if (begin > end || end > data.size())
      fail("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
               "] are out of range of the " + std::to_string(data.size()) + "-byte data section",
           at);
    const std::uint64_t expected = static_cast<std::uint64_t>(tensor.element_count()) * dtype_size(tensor.dtype);
    if (end - begin != expected)
      fail("data_offsets span " + std::to_string(end - begin) + " bytes but shape × dtype needs " +
               std::to_string(expected),
           at);
    tensor.bytes.assign(data.substr(begin, end - begin));
    spans.push_back({begin, end, name});
    file.tensors.emplace(name, std::move(tensor));
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t cursor = 0;
  for (const Span& span : spans) {
    if (span.begin < cursor)
      fail("data of tensor '" + span.name + "' overlaps the previous tensor's data", where);
    if (span.begin > cursor)
      fail("gap of " + std::to_string(span.begin - cursor) + " bytes before tensor '" + span.name + "'", where);
    cursor = span.end;
  }
  if (cursor != data.size())
    fail(std::to_string(data.size() - cursor) + " trailing bytes after the last tensor", where);
  return file;
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  // Read whole: a FIFO or a device in its place would block or never end.
  if (!std::filesystem::is_regular_file(path))
    throw Error("not a regular file", path.string(), "point at a .safetensors file");
  constexpr std::uintmax_t kMaxBytes = std::uintmax_t{4} << 30;
  if (std::filesystem::file_size(path) > kMaxBytes)
    throw Error("file is larger than 4 GB", path.string(), "shotgen's models are far smaller; check the path");
  return parse_safetensors(read_file(path), path.string());
}

std::string serialize_safetensors(const SafetensorsFile& file) {
  json header = json::object();
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {
    const std::uint64_t size = static_cast<std::uint64_t>(tensor.element_count()) * dtype_size(tensor.dtype);
    if (tensor.bytes.size() != size)
      throw Error("tensor '" + name + "' has " + std::to_string(tensor.bytes.size()) + " bytes, shape × dtype needs " +
                      std::to_string(size),
                  "safetensors writer", "this is a bug in the caller");
    header[name] = {{"dtype", std::string(dtype_name(tensor.dtype))},
                    {"shape", tensor.shape},
                    {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::string header_text = header.dump();
  // Pad so the data section starts 8-byte aligned (readers may map it directly).
  header_text.append((8 - header_text.size() % 8) % 8, ' ');
  std::string out;
  out.reserve(8 + header_text.size() + offset);
  append_u64_le(out, header_text.size());
  out += header_text;
  for (const auto& [name, tensor] : file.tensors) out += tensor.bytes;
  return out;
}

void write_safetensors(const std::filesystem::path& path, const SafetensorsFile& file) {
  write_file_atomic(path, serialize_safetensors(file));
}

std::uint16_t float_to_half(float value) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  const std::uint32_t sign = (bits >> 16) & 0x8000u;
  const std::uint32_t abs = bits & 0x7fffffffu;
  if (abs >= 0x7f800000u)  // inf or NaN
    return static_cast<std::uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
  if (abs >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds to inf
  if (abs < 0x38800000u) {
    // Subnormal half (or zero): scale into the 10-bit mantissa with round-to-nearest-even.
    const float magnitude = std::bit_cast<float>(abs);
    const float scaled = magnitude * 16777216.0f;  // 2^24: one half-subnormal ulp = 1
    const auto mantissa = static_cast<std::uint32_t>(std::nearbyint(scaled));
    return static_cast<std::uint16_t>(sign | mantissa);
  }
  const std::uint32_t rounded = abs + 0x0fffu + ((abs >> 13) & 1u);  // nearest-even on bit 13
  return static_cast<std::uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
}

float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
  const std::uint32_t exponent = (half >> 10) & 0x1fu;
  const std::uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0) {
    const float magnitude = static_cast<float>(mantissa) / 16777216.0f;
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

std::uint16_t float_to_bfloat16(float value) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((bits >> 16) | 0x40u);  // NaN stays NaN
  const std::uint32_t rounded = bits + 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>(rounded >> 16);
}

float bfloat16_to_float(std::uint16_t bits) { return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16); }

}  // namespace shotgen::engine
