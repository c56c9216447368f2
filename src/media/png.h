#pragma once
// PNG files for poster frames, contact sheets and reference images.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/image.h"

namespace shotgen::media {

// Limits for PNGs read from users' files (a reference image is resized to the generation size,
// so nothing larger is useful): beyond them read_png refuses the file before reading or
// decoding it, so no file can make shotgen hang or allocate gigabytes.
inline constexpr std::uintmax_t kMaxPngFileBytes = 64u << 20;  // 64 MiB
inline constexpr std::uint32_t kMaxPngSide = 16384;            // pixels per side
inline constexpr std::uint64_t kMaxPngPixels = 50'000'000;     // width x height (an 8K frame is 33 M)

// A text chunk: `keyword` (1-79 printable ASCII characters, e.g. "parameters") and its text. It is
// written as tEXt when the text is ASCII and as uncompressed iTXt (UTF-8) otherwise, so both
// simple readers and Unicode prompts are served.
struct PngText {
  std::string keyword;
  std::string text;
  bool operator==(const PngText&) const = default;
};

// Writes `image` as an 8-bit RGB PNG with `text` chunks (before the image data, where readers
// that stop early still find them). The file appears complete or not at all (temp name +
// rename). Throws shotgen::Error naming the file if the image is empty, a keyword is invalid or
// the file cannot be written.
void write_png(const std::filesystem::path& path, const Image& image, const std::vector<PngText>& text = {});

// Reads any PNG (gray, gray+alpha, palette, RGB, RGBA, 8 or 16 bits) as 8-bit RGB. Alpha is
// composited over black; 16-bit samples are reduced to 8 bits. Throws shotgen::Error naming the
// file: kind NotARegularFile for a FIFO, device or directory (opened without blocking, never
// read), TooLarge for a file or declared size beyond the limits above, Corrupt for a non-PNG or
// truncated file or one too short for the pixels it declares (checked before decoding).
Image read_png(const std::filesystem::path& path);

// Writes a clip's frames as DIR/frame_0000.png, frame_0001.png, … (the directory made if needed;
// each file atomically, as write_png): the frame folder `shotgen analyze` reads.
void write_frame_pngs(const std::filesystem::path& dir, const Clip& clip);

// The text chunks (tEXt, zTXt, iTXt) of a PNG in file order, read by decoding the file with the
// same limits and errors as read_png.
std::vector<PngText> read_png_text(const std::filesystem::path& path);

}  // namespace shotgen::media
