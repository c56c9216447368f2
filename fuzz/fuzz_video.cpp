// Takes on disk (adopt, audit and analysis read them back): any file decodes to frames of one size
// or gives one shotgen::Error.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "media/video_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("shotgen-fuzz-video-" + std::to_string(::getpid()) + ".mp4");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto clip = shotgen::media::decode_video(file, 48);
    for (const auto& frame : clip.frames)
      if (frame.width != clip.width() || frame.height != clip.height()) std::abort();
  } catch (const shotgen::Error&) {
  }
  return 0;
}
