#pragma once
// Image resampling shared by the film assembler (takes at another size than the film) and the
// contact sheet (posters shrunk to thumbnails).
#include "core/image.h"

namespace shotgen::media {

// Bicubic resize to `width` x `height` (both > 0). Returns a copy when the size already matches.
Image resize_image(const Image& image, int width, int height);

}  // namespace shotgen::media
