// Shared by every finishing shader. Frames travel as the CPU holds them, one uint per pixel: red in
// the low byte, then green, then blue; each pass's CPU reference (src/finish/) does the same math.

vec3 unpack_rgb(uint pixel) {
  return vec3(float(pixel & 255u), float((pixel >> 8) & 255u), float((pixel >> 16) & 255u));
}

// The nearest 8-bit value, as the CPU reference rounds: floor(v + 0.5) of the clamped value.
uint pack_rgb(vec3 value) {
  uvec3 q = uvec3(floor(clamp(value, 0.0, 255.0) + 0.5));
  return q.r | (q.g << 8) | (q.b << 16);
}

// Rec. 709 luma of a colour in [0, 1].
float luma(vec3 c) { return dot(c, vec3(0.2126, 0.7152, 0.0722)); }

bool outside(ivec2 pixel, ivec2 size) { return pixel.x >= size.x || pixel.y >= size.y; }
