#version 450
// The matte: everything outside the picture rectangle becomes black. In place. CPU reference:
// src/finish/letterbox.cpp (which also computes the rectangle for both).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) buffer Pixels { uint pixels[]; };
layout(push_constant) uniform Params {
  ivec2 size;
  ivec2 picture_origin;
  ivec2 picture_size;
} p;

void main() {
  ivec2 o = ivec2(gl_GlobalInvocationID.xy);
  if (outside(o, p.size)) return;
  ivec2 inside = o - p.picture_origin;
  if (inside.x < 0 || inside.y < 0 || inside.x >= p.picture_size.x || inside.y >= p.picture_size.y)
    pixels[uint(o.y * p.size.x + o.x)] = 0u;
}
