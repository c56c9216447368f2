// film.toml as a user could write it: any bytes must give a Film or one shotgen::Error, never a
// crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "film/film_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    shotgen::film::load_film_string(text, "fuzz.toml");
  } catch (const shotgen::Error&) {
  }
  return 0;
}
