#include "finish/source_frames.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "media/png.h"

namespace shotgen::finish {

void write_source_frames(const std::filesystem::path& path, const Clip& clip) {
  if (clip.frames.empty()) throw Error("no frames to keep", path.string(), "a take has at least one frame");
  const int width = clip.width(), height = clip.height();
  Image strip(width, height * clip.frame_count());
  for (int i = 0; i < clip.frame_count(); ++i) {
    const Image& frame = clip.frames[i];
    if (frame.width != width || frame.height != height)
      throw Error("frame " + std::to_string(i) + " has another size than frame 0", path.string(),
                  "every frame of a take has the same size");
    std::copy(frame.rgb.begin(), frame.rgb.end(), strip.pixel(0, i * height));
  }
  media::write_png(path, strip);
}

Clip read_source_frames(const std::filesystem::path& path, int frame_count) {
  const Image strip = media::read_png(path);
  if (frame_count < 1 || strip.height % frame_count != 0)
    throw Error(ErrorKind::Corrupt,
                "the source frames are " + std::to_string(strip.height) + " pixels tall, not " +
                    std::to_string(frame_count) + " equal frames",
                path.string(), "render the take again with `shotgen render`");
  const int height = strip.height / frame_count;
  const std::size_t frame_bytes = static_cast<std::size_t>(strip.width) * height * 3;
  Clip clip;
  for (int i = 0; i < frame_count; ++i) {
    Image frame(strip.width, height);
    const auto first = strip.rgb.begin() + static_cast<std::ptrdiff_t>(frame_bytes * i);
    std::copy(first, first + static_cast<std::ptrdiff_t>(frame_bytes), frame.rgb.begin());
    clip.frames.push_back(std::move(frame));
  }
  return clip;
}

}  // namespace shotgen::finish
