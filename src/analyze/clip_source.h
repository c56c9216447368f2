#pragma once
// Where `shotgen analyze` reads a clip from: a directory of frame_*.png files or a video file.
#include <filesystem>

#include "core/image.h"

namespace shotgen::analyze {

// A directory: its frame_*.png files in name order (all the same size). Otherwise a video file
// decoded with FFmpeg (.mp4 and anything else FFmpeg reads). Throws shotgen::Error naming the
// path when it does not exist, a directory holds no frame_*.png, or a file cannot be read.
Clip read_clip(const std::filesystem::path& path);

}  // namespace shotgen::analyze
