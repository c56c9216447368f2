#version 450
// One frame of a transition between two shots: a crossfade blends them, a dip to black fades the
// outgoing shot out over the first half and the incoming one in over the second. Written into the
// outgoing frame. CPU reference: src/finish/transition.cpp.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) buffer Outgoing { uint outgoing[]; };
layout(std430, binding = 1) readonly buffer Incoming { uint incoming[]; };
layout(push_constant) uniform Params {
  ivec2 size;
  int dip_to_black;     // 0 crossfade, 1 dip to black
  float incoming_weight;  // 0: all outgoing .. 1: all incoming
} p;

void main() {
  ivec2 o = ivec2(gl_GlobalInvocationID.xy);
  if (outside(o, p.size)) return;
  uint index = uint(o.y * p.size.x + o.x);
  vec3 a = unpack_rgb(outgoing[index]);
  vec3 b = unpack_rgb(incoming[index]);
  float w = p.incoming_weight;
  vec3 mixed;
  if (p.dip_to_black == 0) mixed = (1.0 - w) * a + w * b;
  else if (w < 0.5) mixed = (1.0 - 2.0 * w) * a;
  else mixed = (2.0 * w - 1.0) * b;
  outgoing[index] = pack_rgb(mixed);
}
