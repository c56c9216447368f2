// The upscale pass: Lanczos-3 from generation size to the film's resolution, cropping or
// letterboxing a different aspect; sharper than bilinear on the world's frames; the Vulkan shader
// gives the CPU reference's pixels within 1/255.
#include <gtest/gtest.h>

#include <cmath>

#include "finish/upscale.h"
#include "finish_fixtures.h"
#include "world/sample.h"

namespace shotgen::finish {
namespace {

using testing::gpu;
using testing::gradient_image;
using testing::max_difference;
using testing::noise_image;

// Averages factor x factor blocks: a neutral way to make a small frame from a large one.
Image box_downscale(const Image& image, int factor) {
  Image small(image.width / factor, image.height / factor);
  for (int y = 0; y < small.height; ++y)
    for (int x = 0; x < small.width; ++x)
      for (int c = 0; c < 3; ++c) {
        int sum = 0;
        for (int j = 0; j < factor; ++j)
          for (int i = 0; i < factor; ++i) sum += image.pixel(x * factor + i, y * factor + j)[c];
        small.pixel(x, y)[c] = static_cast<std::uint8_t>((sum + factor * factor / 2) / (factor * factor));
      }
  return small;
}

double psnr(const Image& a, const Image& b) {
  double squared = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) squared += std::pow(double(a.rgb[i]) - double(b.rgb[i]), 2);
  return 10 * std::log10(255.0 * 255.0 / (squared / a.rgb.size()));
}

TEST(Upscale, ConstantImageStaysConstant) {
  Image flat(32, 16);
  for (std::size_t i = 0; i < flat.rgb.size(); i += 3) flat.rgb[i] = 90, flat.rgb[i + 1] = 160, flat.rgb[i + 2] = 30;
  const Image up = upscale_reference(flat, upscale_geometry(32, 16, 128, 64, film::FrameFit::Crop),
                                     film::UpscaleKernel::Lanczos3);
  for (std::size_t i = 0; i < up.rgb.size(); i += 3) ASSERT_EQ(up.rgb[i + 1], 160);
}

TEST(Upscale, SameSizeIsTheIdentity) {
  const Image image = noise_image(40, 20, 5);
  EXPECT_EQ(upscale_reference(image, upscale_geometry(40, 20, 40, 20, film::FrameFit::Crop), film::UpscaleKernel::Lanczos3),
            image);
}

TEST(Upscale, OtherAspectIsCroppedOrLetterboxed) {
  // 64x64 into 128x64: crop shows the middle 64x32 band; letterbox puts the square between bars.
  const UpscaleGeometry crop = upscale_geometry(64, 64, 128, 64, film::FrameFit::Crop);
  EXPECT_FLOAT_EQ(crop.crop_y, 16.0f);
  EXPECT_FLOAT_EQ(crop.crop_height, 32.0f);
  EXPECT_EQ(crop.picture_width, 128);
  const UpscaleGeometry box = upscale_geometry(64, 64, 128, 64, film::FrameFit::Letterbox);
  EXPECT_EQ(box.picture_x, 32);
  EXPECT_EQ(box.picture_width, 64);
  const Image up = upscale_reference(noise_image(64, 64, 6), box, film::UpscaleKernel::Lanczos3);
  EXPECT_EQ(up.pixel(10, 30)[0] + up.pixel(120, 30)[1], 0);  // the bars are black
  EXPECT_THROW(upscale_geometry(1024, 512, 128, 64, film::FrameFit::Crop), Error);  // 8x smaller
}

TEST(Upscale, LanczosBeatsBilinearOnTheWorldsFrames) {
  // A 256x128 world frame, halved, scaled back: Lanczos-3 must come closer to the original.
  double lanczos_psnr = 0, bilinear_psnr = 0;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const Image original = world::sample(seed, 1, 256, 128).clip.frames[0];
    const Image small = box_downscale(original, 2);
    const auto geometry = upscale_geometry(128, 64, 256, 128, film::FrameFit::Crop);
    lanczos_psnr += psnr(original, upscale_reference(small, geometry, film::UpscaleKernel::Lanczos3));
    bilinear_psnr += psnr(original, upscale_reference(small, geometry, film::UpscaleKernel::Bilinear));
  }
  EXPECT_GT(lanczos_psnr, bilinear_psnr + 3 * 0.3) << "Lanczos " << lanczos_psnr / 3 << " dB, bilinear "
                                                    << bilinear_psnr / 3 << " dB";
}

TEST(Upscale, VulkanMatchesTheCpuReference) {
  struct Case {
    int sw, sh, tw, th;
    film::FrameFit fit;
    film::UpscaleKernel kernel;
  };
  for (const Case& c : {Case{32, 16, 128, 64, film::FrameFit::Crop, film::UpscaleKernel::Lanczos3},
                        Case{33, 17, 130, 61, film::FrameFit::Letterbox, film::UpscaleKernel::Lanczos3},
                        Case{48, 48, 128, 64, film::FrameFit::Crop, film::UpscaleKernel::Bilinear},
                        Case{128, 64, 48, 24, film::FrameFit::Crop, film::UpscaleKernel::Lanczos3}}) {
    for (const Image& source : {noise_image(c.sw, c.sh, 7), gradient_image(c.sw, c.sh)}) {
      const auto geometry = upscale_geometry(c.sw, c.sh, c.tw, c.th, c.fit);
      const Image cpu = upscale_reference(source, geometry, c.kernel);
      const Image vulkan = gpu().upscale(source, geometry, c.kernel);
      EXPECT_LE(max_difference(cpu, vulkan), 1) << c.sw << "x" << c.sh << " to " << c.tw << "x" << c.th;
    }
  }
}

}  // namespace
}  // namespace shotgen::finish
