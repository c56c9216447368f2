#pragma once
// Reading videos back: takes for the film assembler, and integrity checks of takes on disk.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/image.h"

namespace shotgen::media {

struct VideoProbe {
  int frames = 0;                 // video packets actually present in the file
  double fps = 0;                 // average frame rate of the video stream
  double duration_seconds = 0;    // container duration
  int width = 0;
  int height = 0;
  std::string codec;              // FFmpeg codec name, e.g. "h264"
  std::map<std::string, std::string> metadata;  // container tags
};

// Opens the container and reads every video packet (without decoding), so a truncated file, one
// whose index promises more frames than it holds, or garbage is reported as shotgen::Error
// naming the file. Cheap enough to run on every take before trusting it.
VideoProbe probe_video(const std::filesystem::path& path);

// Decodes the first `max_frames` frames (all when negative) as RGB. Throws shotgen::Error naming
// the file for unreadable, corrupt or truncated video.
Clip decode_video(const std::filesystem::path& path, int max_frames = -1);

// Frame-by-frame decoding, so long videos need not fit in memory.
class VideoReader {
 public:
  VideoReader();
  ~VideoReader();
  VideoReader(VideoReader&&) noexcept;
  VideoReader& operator=(VideoReader&&) noexcept;

  void open(const std::filesystem::path& path);
  // The next frame as RGB; false at the end of the video. At the end, a video that delivered
  // fewer frames than its container declares is reported as truncated (shotgen::Error).
  bool read(Image& frame);

  double fps() const;
  int width() const;
  int height() const;
  int frames_declared() const;  // frame count from the container index (0 when unknown)

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace shotgen::media
