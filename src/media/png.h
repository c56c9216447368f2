#pragma once
// PNG files for poster frames, contact sheets and reference images.
#include <cstdint>
#include <filesystem>

#include "core/image.h"

namespace shotgen {

// Limits for PNGs read from users' files (a reference image is resized to the generation size,
// so nothing larger is useful): beyond them read_png refuses the file before reading or
// decoding it, so no file can make shotgen hang or allocate gigabytes.
inline constexpr std::uintmax_t kMaxPngFileBytes = 64u << 20;  // 64 MiB
inline constexpr std::uint32_t kMaxPngSide = 16384;            // pixels per side
inline constexpr std::uint64_t kMaxPngPixels = 50'000'000;     // width x height (an 8K frame is 33 M)

// Writes `image` as an 8-bit RGB PNG. The file appears complete or not at all (temp name +
// rename). Throws shotgen::Error naming the file if the image is empty or the file cannot be
// written.
void write_png(const std::filesystem::path& path, const Image& image);

// Reads any PNG (gray, gray+alpha, palette, RGB, RGBA, 8 or 16 bits) as 8-bit RGB. Alpha is
// composited over black; 16-bit samples are reduced to 8 bits. Throws shotgen::Error naming the
// file: kind NotARegularFile for a FIFO, device or directory (opened without blocking, never
// read), TooLarge for a file or declared size beyond the limits above, Corrupt for a non-PNG or
// truncated file or one too short for the pixels it declares (checked before decoding).
Image read_png(const std::filesystem::path& path);

}  // namespace shotgen
