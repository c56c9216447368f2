#pragma once
// Is there a picture in the frames a backend returned? A model whose output went NaN or Inf, or was
// driven out of range (a huge guidance scale), returns frames of one flat colour, usually black;
// such a clip must fail its job with that reason instead of becoming a take that looks done.
//
// A clip is blank when every frame is one colour: within every frame, each channel's samples
// span at most kBlankSpread (1/255, the rounding of a constant). One pass over the bytes, stopping
// at the first frame with a picture.
#include <optional>

#include "core/error.h"
#include "core/image.h"

namespace shotgen::render {

inline constexpr int kBlankSpread = 1;

// The Problem (kind BlankFrames) when `clip` has no picture, naming `where` (e.g. "shot s1 take 2");
// nullopt when at least one frame shows something.
std::optional<Problem> blank_frames_problem(const Clip& clip, const std::string& where);

}  // namespace shotgen::render
