#version 450
// The grain's lattice for one frame: a standard normal value at every lattice point, from the
// take's seed, the frame index and the point (the same take always gets the same grain). Computed
// once per frame and shared by the pixels of four cells; shaders/grain.comp interpolates it. CPU
// reference: src/finish/grain.cpp (grain_lattice).
layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) writeonly buffer Lattice { float lattice[]; };
layout(push_constant) uniform Params {
  ivec2 size;  // lattice columns and rows
  uint seed;
  uint frame;
} p;

uint hash32(uint x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

void main() {
  ivec2 o = ivec2(gl_GlobalInvocationID.xy);
  if (o.x >= p.size.x || o.y >= p.size.y) return;
  uint h = hash32(uint(o.x) + hash32(uint(o.y) + hash32(p.frame + hash32(p.seed))));
  // Four uniforms summed (Irwin-Hall) and rescaled: mean 0, variance 1.
  float sum = 0.0;
  for (int k = 0; k < 4; ++k) {
    h = hash32(h + 0x9e3779b9u);
    sum += float(h >> 8) * (1.0 / 16777216.0);
  }
  lattice[o.y * p.size.x + o.x] = (sum - 2.0) * 1.7320508;
}
