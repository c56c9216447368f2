// A model's weights file: any bytes give a parsed file whose tensors lie inside the buffer, or
// one shotgen::Error; what parses serializes and parses back to the same tensors.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/error.h"
#include "engine/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto file = shotgen::engine::parse_safetensors(bytes, "fuzz.safetensors");
    const auto again = shotgen::engine::parse_safetensors(shotgen::engine::serialize_safetensors(file), "again");
    if (again.tensors.size() != file.tensors.size()) std::abort();
  } catch (const shotgen::Error&) {
  }
  return 0;
}
