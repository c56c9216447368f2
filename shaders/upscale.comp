#version 450
// Resamples the (cropped) generated frame to the film's resolution with a separable kernel,
// Lanczos-3 (sharp) or bilinear (the comparison), whose taps the CPU computed once per frame size
// (src/finish/upscale.cpp: upscale_taps) so both sides weigh with the same numbers. Pixels outside
// the picture rectangle (fit = letterbox) are black. CPU reference: src/finish/upscale.cpp.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) readonly buffer Source { uint source[]; };
layout(std430, binding = 1) writeonly buffer Target { uint target[]; };
// Per target column, then per target row, `stride` floats: first source index, tap count, the
// weights' sum, the weights.
layout(std430, binding = 2) readonly buffer Taps { float taps[]; };
layout(push_constant) uniform Params {
  ivec2 source_size;
  ivec2 target_size;
  ivec2 picture_origin;  // where the picture lies in the target
  ivec2 picture_size;
  int stride;
} p;

void main() {
  ivec2 o = ivec2(gl_GlobalInvocationID.xy);
  if (outside(o, p.target_size)) return;
  uint index = uint(o.y * p.target_size.x + o.x);
  ivec2 inside = o - p.picture_origin;
  if (inside.x < 0 || inside.y < 0 || inside.x >= p.picture_size.x || inside.y >= p.picture_size.y) {
    target[index] = 0u;
    return;
  }
  int column = o.x * p.stride;
  int row = (p.target_size.x + o.y) * p.stride;
  int x0 = int(taps[column]), nx = int(taps[column + 1]);
  int y0 = int(taps[row]), ny = int(taps[row + 1]);
  vec3 sum = vec3(0.0);
  for (int j = 0; j < ny; ++j) {
    int y = clamp(y0 + j, 0, p.source_size.y - 1);
    vec3 line = vec3(0.0);
    for (int i = 0; i < nx; ++i) {
      int x = clamp(x0 + i, 0, p.source_size.x - 1);
      line += taps[column + 3 + i] * unpack_rgb(source[y * p.source_size.x + x]);
    }
    sum += taps[row + 3 + j] * line;
  }
  target[index] = pack_rgb(sum / (taps[column + 2] * taps[row + 2]));
}
