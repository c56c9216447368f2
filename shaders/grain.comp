#version 450
// Film grain: the frame's lattice of Gaussian values (shaders/grain_lattice.comp) smoothly
// interpolated over `size`-pixel cells, its variance kept at 1, added equally to R, G and B with
// an amplitude that is largest in the mid-tones. In place. CPU reference: src/finish/grain.cpp.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) buffer Pixels { uint pixels[]; };
layout(std430, binding = 1) readonly buffer Lattice { float lattice[]; };
layout(push_constant) uniform Params {
  ivec2 size;
  int lattice_columns;
  float strength;
  float inverse_cell;  // 1 / grain size, so both sides multiply (division is not exact on GPUs)
} p;

float at(int x, int y) { return lattice[y * p.lattice_columns + x]; }

void main() {
  ivec2 o = ivec2(gl_GlobalInvocationID.xy);
  if (outside(o, p.size)) return;
  uint index = uint(o.y * p.size.x + o.x);
  vec3 c = unpack_rgb(pixels[index]);
  vec2 g = (vec2(o) + 0.5) * p.inverse_cell;
  ivec2 i = ivec2(floor(g));
  vec2 f = g - vec2(i);
  vec2 s = f * f * (3.0 - 2.0 * f);
  float w00 = (1.0 - s.x) * (1.0 - s.y), w10 = s.x * (1.0 - s.y), w01 = (1.0 - s.x) * s.y, w11 = s.x * s.y;
  float noise = w00 * at(i.x, i.y) + w10 * at(i.x + 1, i.y) + w01 * at(i.x, i.y + 1) + w11 * at(i.x + 1, i.y + 1);
  // Interpolating lowers the variance between lattice points; dividing by the weights' norm keeps it 1.
  noise /= sqrt(w00 * w00 + w10 * w10 + w01 * w01 + w11 * w11);
  float y = luma(c / 255.0);
  float amplitude = p.strength * (0.25 + 3.0 * y * (1.0 - y));
  pixels[index] = pack_rgb(c + vec3(255.0 * amplitude * noise));
}
