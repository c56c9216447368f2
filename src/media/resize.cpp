#include "media/resize.h"

#include <string>

#include "core/error.h"
#include "media/ffmpeg_raii.h"

namespace shotgen::media {

Image resize_image(const Image& image, int width, int height) {
  if (width <= 0 || height <= 0 || image.width <= 0 || image.height <= 0) {
    throw Error("cannot resize " + std::to_string(image.width) + "x" + std::to_string(image.height) + " to " +
                    std::to_string(width) + "x" + std::to_string(height),
                "", "sizes must be positive");
  }
  if (width == image.width && height == image.height) return image;
  SwsPtr scaler(sws_getContext(image.width, image.height, AV_PIX_FMT_RGB24, width, height,
                                      AV_PIX_FMT_RGB24, SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr,
                                      nullptr));
  check_alloc(scaler.get(), "scaler", "");
  Image resized(width, height);
  const std::uint8_t* source[1] = {image.rgb.data()};
  const int source_stride[1] = {image.width * 3};
  std::uint8_t* destination[1] = {resized.rgb.data()};
  const int destination_stride[1] = {width * 3};
  sws_scale(scaler.get(), source, source_stride, 0, image.height, destination, destination_stride);
  return resized;
}

}  // namespace shotgen::media
