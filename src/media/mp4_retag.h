#pragma once
// Copying an MP4 with new container tags, without re-encoding: every stream's packets are copied
// as they are (stream copy), only the container metadata changes. A farm take is encoded on a
// node before its take number is known; `shotgen farm collect` writes it into the workspace with
// the final take record's tags (render/take_tags.h), bit-identical pictures.
#include <filesystem>
#include <map>
#include <string>

namespace shotgen::media {

// Writes `in` to `out` with exactly `tags` as its container metadata (the input's own container
// tags are dropped; stream tags are kept), faststart and shotgen_* keys kept as in encode_mp4. The
// file appears under its name only when complete (temporary name + rename); on any failure nothing
// is left at `out`. Throws shotgen::Error naming the file: kind Corrupt for an input that cannot be
// demuxed, Io for a write that fails.
void copy_mp4_with_tags(const std::filesystem::path& in, const std::filesystem::path& out,
                        const std::map<std::string, std::string>& tags);

}  // namespace shotgen::media
