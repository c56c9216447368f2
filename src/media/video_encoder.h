#pragma once
// H.264 MP4 encoding of clips (takes) and of long outputs written frame by frame (the film).
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/image.h"

namespace shotgen::media {

struct EncodeOptions {
  double fps = 24.0;      // frames per second; 23.976/29.97/59.94 are written as the exact N*1000/1001
  int out_width = 0;      // 0 = the input size; the other side follows the aspect ratio when only one
  int out_height = 0;     //     is given. Rounded down to even (yuv420p); scaled with bicubic swscale.
  int crf = 20;           // libx264 constant rate factor, 0 (lossless) .. 51
  std::string preset = "medium";                 // libx264 preset (ultrafast .. placebo)
  std::map<std::string, std::string> metadata;   // container tags: title, comment, shotgen_* ...
};

// Encodes `clip` to `out` as H.264 (yuv420p) in MP4 with faststart and the metadata tags. The
// file appears under its name only when complete; on any failure no file is left behind.
// Throws shotgen::Error naming `out`.
void encode_mp4(const std::filesystem::path& out, const Clip& clip, const EncodeOptions& options);

// The streaming form of encode_mp4: open(), write() each frame, finish(). Frames are encoded as
// they arrive, so memory stays constant however long the output is. The output is written under a
// temporary name and renamed into place by finish(); destroying the writer without finish()
// (an exception, a cancelled render) removes the temporary file.
class VideoWriter {
 public:
  VideoWriter();
  ~VideoWriter();
  VideoWriter(VideoWriter&&) noexcept;
  VideoWriter& operator=(VideoWriter&&) noexcept;

  // `width` x `height` is the size of the frames that write() will receive.
  void open(const std::filesystem::path& path, int width, int height, const EncodeOptions& options);
  // A frame of the wrong size is refused and the writer stays usable; any encoding or I/O
  // failure closes the writer and removes the temporary file.
  void write(const Image& frame);
  void finish();

  bool is_open() const;
  int frames_written() const;
  int output_width() const;   // after open(): the encoded size (even, possibly scaled)
  int output_height() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace shotgen::media
