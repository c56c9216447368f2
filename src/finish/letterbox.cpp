#include "finish/letterbox.h"

#include <algorithm>
#include <cmath>

namespace shotgen::finish {

PictureRect letterbox_rect(int width, int height, double aspect) {
  PictureRect picture{0, 0, width, height};
  const double frame_aspect = static_cast<double>(width) / height;
  if (aspect > frame_aspect) {
    picture.height = std::clamp(static_cast<int>(std::lround(width / aspect)), 1, height);
    picture.y = (height - picture.height) / 2;
  } else if (aspect < frame_aspect) {
    picture.width = std::clamp(static_cast<int>(std::lround(height * aspect)), 1, width);
    picture.x = (width - picture.width) / 2;
  }
  return picture;
}

void letterbox_reference(Image& image, const PictureRect& picture) {
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const bool inside = x >= picture.x && x < picture.x + picture.width && y >= picture.y &&
                          y < picture.y + picture.height;
      if (!inside) std::fill_n(image.pixel(x, y), 3, std::uint8_t{0});
    }
}

}  // namespace shotgen::finish
