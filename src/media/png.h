#pragma once
// PNG files for poster frames, contact sheets and reference images.
#include <filesystem>

#include "core/image.h"

namespace shotgen {

// Writes `image` as an 8-bit RGB PNG. The file appears complete or not at all (temp name +
// rename). Throws shotgen::Error naming the file if the image is empty or the file cannot be
// written.
void write_png(const std::filesystem::path& path, const Image& image);

// Reads any PNG (gray, gray+alpha, palette, RGB, RGBA, 8 or 16 bits) as 8-bit RGB. Alpha is
// composited over black; 16-bit samples are reduced to 8 bits. Throws shotgen::Error naming the
// file for a missing, non-PNG or truncated file.
Image read_png(const std::filesystem::path& path);

}  // namespace shotgen
