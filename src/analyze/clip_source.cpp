#include "analyze/clip_source.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "media/png.h"
#include "media/video_reader.h"

namespace shotgen::analyze {

Clip read_clip(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error("no such clip", path.string(), "give a directory of frame_*.png files or an .mp4 file");
  if (!std::filesystem::is_directory(path, ec)) return media::decode_video(path);
  std::vector<std::filesystem::path> frames;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind("frame_", 0) == 0 && entry.path().extension() == ".png")
      frames.push_back(entry.path());
  }
  if (frames.empty())
    throw Error("the directory holds no frame_*.png files", path.string(),
                "write the clip's frames as frame_0000.png, frame_0001.png, ... or give an .mp4 file");
  std::sort(frames.begin(), frames.end());
  Clip clip;
  for (const auto& frame : frames) {
    clip.frames.push_back(media::read_png(frame));
    if (clip.frames.back().width != clip.frames.front().width ||
        clip.frames.back().height != clip.frames.front().height)
      throw Error("frame size " + std::to_string(clip.frames.back().width) + "x" +
                      std::to_string(clip.frames.back().height) + " differs from the first frame's " +
                      std::to_string(clip.width()) + "x" + std::to_string(clip.height()),
                  frame.string(), "all frames of a clip must have the same size");
  }
  return clip;
}

}  // namespace shotgen::analyze
