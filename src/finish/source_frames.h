#pragma once
// A take's generated frames, kept losslessly beside its MP4 so that `shotgen finish` can finish
// the take again (another grade, grain, ...) without generating it again: one PNG with the frames
// stacked top to bottom (a 128x64 clip of 24 frames is a 128x1536 image).
#include <filesystem>

#include "core/image.h"

namespace shotgen::finish {

// Written under a temporary name and renamed into place (media/png.h). Throws shotgen::Error.
void write_source_frames(const std::filesystem::path& path, const Clip& clip);

// Reads `frame_count` frames back. Throws shotgen::Error naming the file when it is missing,
// unreadable, or not `frame_count` equal frames tall.
Clip read_source_frames(const std::filesystem::path& path, int frame_count);

}  // namespace shotgen::finish
