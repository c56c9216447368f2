#version 450
// The grade: every pixel through a 3D LUT (.cube), tetrahedral or trilinear, mixed with the
// ungraded colour by `strength`. In place. CPU reference: src/finish/lut_grade.cpp.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) buffer Pixels { uint pixels[]; };
layout(std430, binding = 1) readonly buffer Lut { float lut[]; };  // size^3 RGB triplets, red fastest
layout(push_constant) uniform Params {
  ivec2 size;
  int lut_size;
  int tetrahedral;  // 1 tetrahedral, 0 trilinear
  vec4 domain_min;
  vec4 domain_max;
  float strength;
} p;

vec3 lattice(ivec3 c) {
  int i = 3 * ((c.b * p.lut_size + c.g) * p.lut_size + c.r);
  return vec3(lut[i], lut[i + 1], lut[i + 2]);
}

vec3 apply_lut(vec3 colour) {
  vec3 t = clamp((colour - p.domain_min.rgb) / (p.domain_max.rgb - p.domain_min.rgb), 0.0, 1.0);
  vec3 x = t * float(p.lut_size - 1);
  ivec3 i = min(ivec3(floor(x)), ivec3(p.lut_size - 2));
  vec3 f = x - vec3(i);
  vec3 c000 = lattice(i);
  vec3 c111 = lattice(i + ivec3(1, 1, 1));
  if (p.tetrahedral == 0) {
    vec3 c100 = lattice(i + ivec3(1, 0, 0)), c010 = lattice(i + ivec3(0, 1, 0)), c001 = lattice(i + ivec3(0, 0, 1));
    vec3 c110 = lattice(i + ivec3(1, 1, 0)), c101 = lattice(i + ivec3(1, 0, 1)), c011 = lattice(i + ivec3(0, 1, 1));
    vec3 c00 = mix(c000, c100, f.r), c10 = mix(c010, c110, f.r);
    vec3 c01 = mix(c001, c101, f.r), c11 = mix(c011, c111, f.r);
    return mix(mix(c00, c10, f.g), mix(c01, c11, f.g), f.b);
  }
  // The cube is split into six tetrahedra along its diagonal; the ordering of f picks one.
  if (f.r > f.g) {
    if (f.g > f.b)
      return (1.0 - f.r) * c000 + (f.r - f.g) * lattice(i + ivec3(1, 0, 0)) + (f.g - f.b) * lattice(i + ivec3(1, 1, 0)) + f.b * c111;
    if (f.r > f.b)
      return (1.0 - f.r) * c000 + (f.r - f.b) * lattice(i + ivec3(1, 0, 0)) + (f.b - f.g) * lattice(i + ivec3(1, 0, 1)) + f.g * c111;
    return (1.0 - f.b) * c000 + (f.b - f.r) * lattice(i + ivec3(0, 0, 1)) + (f.r - f.g) * lattice(i + ivec3(1, 0, 1)) + f.g * c111;
  }
  if (f.b > f.g)
    return (1.0 - f.b) * c000 + (f.b - f.g) * lattice(i + ivec3(0, 0, 1)) + (f.g - f.r) * lattice(i + ivec3(0, 1, 1)) + f.r * c111;
  if (f.b > f.r)
    return (1.0 - f.g) * c000 + (f.g - f.b) * lattice(i + ivec3(0, 1, 0)) + (f.b - f.r) * lattice(i + ivec3(0, 1, 1)) + f.r * c111;
  return (1.0 - f.g) * c000 + (f.g - f.r) * lattice(i + ivec3(0, 1, 0)) + (f.r - f.b) * lattice(i + ivec3(1, 1, 0)) + f.b * c111;
}

void main() {
  ivec2 o = ivec2(gl_GlobalInvocationID.xy);
  if (outside(o, p.size)) return;
  uint index = uint(o.y * p.size.x + o.x);
  vec3 colour = unpack_rgb(pixels[index]) / 255.0;
  vec3 graded = apply_lut(colour);
  pixels[index] = pack_rgb(mix(colour, graded, p.strength) * 255.0);
}
