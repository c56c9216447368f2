#version 450
// The palette lock: each colour's hue is pulled toward the palette's hues (a soft nearest-hue
// choice, so neighbouring colours never jump apart); luma and chroma magnitude are kept. No
// tones (a monochrome palette) pulls toward grey. In place. CPU reference: src/finish/palette_lock.cpp.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) buffer Pixels { uint pixels[]; };
layout(push_constant) uniform Params {
  ivec2 size;
  int tone_count;
  float strength;
  vec4 tones[6];  // unit chroma directions (colour minus its luma), xyz
} p;

const float kSharpness = 8.0;  // how decisively the nearest tone wins

void main() {
  ivec2 o = ivec2(gl_GlobalInvocationID.xy);
  if (outside(o, p.size)) return;
  uint index = uint(o.y * p.size.x + o.x);
  vec3 c = unpack_rgb(pixels[index]) / 255.0;
  float y = luma(c);
  vec3 chroma = c - vec3(y);
  float magnitude = length(chroma);
  vec3 target = vec3(y);
  if (p.tone_count > 0) {
    vec3 direction = vec3(0.0);
    for (int i = 0; i < p.tone_count; ++i) {
      float cosine = dot(chroma, p.tones[i].xyz) / max(magnitude, 1e-6);
      direction += exp(kSharpness * (cosine - 1.0)) * p.tones[i].xyz;
    }
    float length_of = length(direction);
    if (length_of > 1e-12) target += magnitude * direction / length_of;
    else target = c;
  }
  pixels[index] = pack_rgb((c + p.strength * (target - c)) * 255.0);
}
