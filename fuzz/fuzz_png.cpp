// Reference images and posters: any file gives an image within the documented limits or one
// shotgen::Error — never a crash, and never an allocation a declared size asked for unchecked.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "media/png.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // read_png takes a path (it checks the file is regular and bounded before reading it).
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("shotgen-fuzz-png-" + std::to_string(::getpid()) + ".png");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto image = shotgen::media::read_png(file);
    if (image.width <= 0 || image.height <= 0 ||
        image.rgb.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3)
      std::abort();
    shotgen::media::read_png_text(file);
  } catch (const shotgen::Error&) {
  }
  return 0;
}
