#include "finish/lut_grade.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "finish/pixel_math.h"

namespace shotgen::finish {
namespace {

using Vec3 = std::array<float, 3>;

Vec3 operator*(float s, const Vec3& v) { return {s * v[0], s * v[1], s * v[2]}; }
Vec3 operator+(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }

// The same operations in the same order as shaders/grade.comp.
class LutSampler {
 public:
  LutSampler(const CubeLut& lut, film::LutInterpolation interpolation) : lut_(lut), interpolation_(interpolation) {}

  Vec3 operator()(const Vec3& colour) const {
    Vec3 f;
    std::array<int, 3> i;
    for (int c = 0; c < 3; ++c) {
      const float t = std::clamp((colour[c] - lut_.domain_min[c]) / (lut_.domain_max[c] - lut_.domain_min[c]), 0.0f, 1.0f);
      const float x = t * static_cast<float>(lut_.size - 1);
      i[c] = std::min(static_cast<int>(std::floor(x)), lut_.size - 2);
      f[c] = x - static_cast<float>(i[c]);
    }
    auto at = [&](int dr, int dg, int db) {
      const float* v = lut_.at(i[0] + dr, i[1] + dg, i[2] + db);
      return Vec3{v[0], v[1], v[2]};
    };
    const float fr = f[0], fg = f[1], fb = f[2];
    const Vec3 c000 = at(0, 0, 0), c111 = at(1, 1, 1);
    if (interpolation_ == film::LutInterpolation::Trilinear) {
      auto mix = [](const Vec3& a, const Vec3& b, float t) { return (1.0f - t) * a + t * b; };
      const Vec3 c00 = mix(c000, at(1, 0, 0), fr), c10 = mix(at(0, 1, 0), at(1, 1, 0), fr);
      const Vec3 c01 = mix(at(0, 0, 1), at(1, 0, 1), fr), c11 = mix(at(0, 1, 1), c111, fr);
      return mix(mix(c00, c10, fg), mix(c01, c11, fg), fb);
    }
    // The cube is split into six tetrahedra along its diagonal; the ordering of f picks one.
    if (fr > fg) {
      if (fg > fb) return (1 - fr) * c000 + (fr - fg) * at(1, 0, 0) + (fg - fb) * at(1, 1, 0) + fb * c111;
      if (fr > fb) return (1 - fr) * c000 + (fr - fb) * at(1, 0, 0) + (fb - fg) * at(1, 0, 1) + fg * c111;
      return (1 - fb) * c000 + (fb - fr) * at(0, 0, 1) + (fr - fg) * at(1, 0, 1) + fg * c111;
    }
    if (fb > fg) return (1 - fb) * c000 + (fb - fg) * at(0, 0, 1) + (fg - fr) * at(0, 1, 1) + fr * c111;
    if (fb > fr) return (1 - fg) * c000 + (fg - fb) * at(0, 1, 0) + (fb - fr) * at(0, 1, 1) + fr * c111;
    return (1 - fg) * c000 + (fg - fr) * at(0, 1, 0) + (fr - fb) * at(1, 1, 0) + fb * c111;
  }

 private:
  const CubeLut& lut_;
  film::LutInterpolation interpolation_;
};

}  // namespace

void grade_reference(Image& image, const CubeLut& lut, film::LutInterpolation interpolation, float strength) {
  const LutSampler sample(lut, interpolation);
  for (std::size_t i = 0; i < image.rgb.size(); i += 3) {
    const Vec3 colour = {image.rgb[i] / 255.0f, image.rgb[i + 1] / 255.0f, image.rgb[i + 2] / 255.0f};
    const Vec3 graded = sample(colour);
    for (int c = 0; c < 3; ++c)
      image.rgb[i + c] = to_byte(((1.0f - strength) * colour[c] + strength * graded[c]) * 255.0f);
  }
}

}  // namespace shotgen::finish
