#include "render/blank_frames.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace shotgen::render {
namespace {

bool is_flat(const Image& frame) {
  std::array<std::uint8_t, 3> low{255, 255, 255}, high{0, 0, 0};
  for (std::size_t i = 0; i + 2 < frame.rgb.size(); i += 3) {
    for (int c = 0; c < 3; ++c) {
      low[c] = std::min(low[c], frame.rgb[i + c]);
      high[c] = std::max(high[c], frame.rgb[i + c]);
    }
  }
  for (int c = 0; c < 3; ++c)
    if (high[c] - low[c] > kBlankSpread) return false;
  return true;
}

}  // namespace

std::optional<Problem> blank_frames_problem(const Clip& clip, const std::string& where) {
  for (const Image& frame : clip.frames)
    if (!is_flat(frame)) return std::nullopt;
  std::string colour = "no frames";
  if (!clip.frames.empty() && !clip.frames.front().rgb.empty()) {
    const auto* p = clip.frames.front().rgb.data();
    char text[48];
    std::snprintf(text, sizeof text, "rgb(%d, %d, %d)", p[0], p[1], p[2]);
    colour = text;
  }
  return Problem{"blank frames: all " + std::to_string(clip.frames.size()) + " frames are one flat colour (" + colour +
                     "), the model produced no picture (NaN/Inf output or an out-of-range setting)",
                 where,
                 "check the model and the shot's guidance and prompt weights, then render the shot again",
                 ErrorKind::BlankFrames};
}

}  // namespace shotgen::render
