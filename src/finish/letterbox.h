#pragma once
// The letterbox pass: a matte that shows the picture at the aspect [finish] asks for (e.g. 2.39)
// inside the film frame, black bars top and bottom when the aspect is wider than the frame, at the
// sides when it is narrower. letterbox_reference is the CPU reference shaders/letterbox.comp must
// match (exactly: both only copy or blacken pixels).
#include "core/image.h"

namespace shotgen::finish {

struct PictureRect {
  int x = 0, y = 0, width = 0, height = 0;
  bool operator==(const PictureRect&) const = default;
};

// The centred rectangle of aspect `aspect` (width / height, > 0) inside a width x height frame.
PictureRect letterbox_rect(int width, int height, double aspect);

void letterbox_reference(Image& image, const PictureRect& picture);

}  // namespace shotgen::finish
