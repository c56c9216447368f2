#include "world/world.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "world/color.h"
#include "world/rng.h"

namespace shotgen::world {
namespace {

// What a surface is, for the palette (hue, saturation) and the lighting (value) to colour it.
enum Role {
  kSkyTop, kSkyHorizon, kGround, kGroundFar, kFoliage, kTrunk, kWall, kRoof, kWindow, kPole, kLamp,
  kClothing, kLegs, kSkin, kSun, kStar, kRoleCount
};

struct Tone {
  float h, s;
};

// Hue/saturation per role for each palette; figures' clothing picks among four variants.
Tone palette_tone(Palette palette, int role, int variant) {
  static const std::array<Tone, 4> warm_clothes = {{{0, .75f}, {18, .8f}, {40, .75f}, {55, .7f}}};
  static const std::array<Tone, 4> cool_clothes = {{{200, .6f}, {230, .65f}, {260, .55f}, {215, .7f}}};
  static const std::array<Tone, 4> green_clothes = {{{90, .65f}, {120, .7f}, {150, .6f}, {105, .75f}}};
  static const std::array<Tone, 4> pastel_clothes = {{{330, .32f}, {270, .3f}, {20, .3f}, {175, .3f}}};
  static const std::array<Tone, kRoleCount> warm = {{{20, .45f}, {38, .5f}, {25, .6f}, {32, .5f}, {45, .65f},
                                                     {12, .7f}, {35, .45f}, {5, .7f}, {45, .6f}, {20, .4f},
                                                     {48, .55f}, {0, 0}, {10, .6f}, {25, .45f}, {45, .5f},
                                                     {40, .2f}}};
  static const std::array<Tone, kRoleCount> cool = {{{225, .55f}, {205, .4f}, {215, .45f}, {205, .4f}, {195, .5f},
                                                     {240, .4f}, {215, .35f}, {250, .5f}, {205, .4f}, {230, .3f},
                                                     {200, .3f}, {0, 0}, {235, .5f}, {220, .25f}, {210, .2f},
                                                     {210, .15f}}};
  static const std::array<Tone, kRoleCount> green = {{{135, .4f}, {110, .3f}, {100, .6f}, {110, .5f}, {125, .7f},
                                                      {80, .5f}, {140, .35f}, {155, .55f}, {90, .5f}, {120, .3f},
                                                      {85, .45f}, {0, 0}, {130, .55f}, {95, .35f}, {80, .4f},
                                                      {100, .2f}}};
  static const std::array<Tone, kRoleCount> pastel = {{{330, .22f}, {15, .2f}, {150, .2f}, {150, .18f}, {110, .24f},
                                                       {20, .25f}, {50, .25f}, {340, .3f}, {50, .25f}, {270, .2f},
                                                       {50, .25f}, {0, 0}, {260, .25f}, {25, .22f}, {50, .2f},
                                                       {0, .1f}}};
  const std::array<Tone, kRoleCount>* table = nullptr;
  const std::array<Tone, 4>* clothes = nullptr;
  switch (palette) {
    case Palette::Warm: table = &warm; clothes = &warm_clothes; break;
    case Palette::Cool: table = &cool; clothes = &cool_clothes; break;
    case Palette::GreenTones: table = &green; clothes = &green_clothes; break;
    case Palette::Pastel: table = &pastel; clothes = &pastel_clothes; break;
    case Palette::Monochrome:
    case Palette::TealOrange: return {0, 0};  // saturation 0; teal/orange is applied by value later
  }
  if (role == kClothing) return (*clothes)[variant % 4];
  return (*table)[role];
}

// Value (brightness) per role for each lighting.
float lighting_value(Lighting lighting, int role) {
  static const std::array<std::array<float, kRoleCount>, 5> v = {{
      // sky top, sky hor, ground, ground far, foliage, trunk, wall, roof, window, pole, lamp,
      // clothing, legs, skin, sun, star
      {.86f, .95f, .80f, .88f, .70f, .60f, .88f, .72f, .70f, .62f, .90f, .48f, .40f, .72f, 1.f, .95f},  // high-key
      {.10f, .16f, .20f, .16f, .16f, .12f, .18f, .14f, .20f, .12f, .40f, .62f, .48f, .75f, .4f, .4f},  // low-key
      {.36f, .88f, .42f, .55f, .30f, .22f, .42f, .30f, .42f, .24f, .60f, .14f, .11f, .26f, 1.f, .8f},  // golden
      {.92f, 1.f, .22f, .26f, .08f, .06f, .08f, .06f, .08f, .05f, .10f, .02f, .02f, .03f, 1.f, 1.f},  // backlit
      {.04f, .09f, .07f, .08f, .06f, .05f, .07f, .06f, .85f, .06f, .95f, .32f, .26f, .38f, .9f, .75f},  // night
  }};
  return v[static_cast<int>(lighting)][role];
}

// Brightness of fog and of rain streaks under each lighting.
float haze_value(Lighting lighting) {
  static const std::array<float, 5> v = {.88f, .24f, .50f, .50f, .10f};
  return v[static_cast<int>(lighting)];
}

float smoothstep(float e0, float e1, float x) {
  const float t = std::clamp((x - e0) / (e1 - e0), 0.0f, 1.0f);
  return t * t * (3 - 2 * t);
}

// Smooth value noise on an integer lattice (bilinear between hashed corners).
constexpr std::uint16_t kSkyId = 0;
constexpr std::uint16_t kGroundId = 1;

// The virtual canvas: larger than the view (pans, tilts) or finer (zooms); the camera samples a
// window of it per frame, so everything painted on it stays attached to the world.
struct Canvas {
  int w = 0, h = 0;
  float scale = 1;             // canvas pixels per scene unit (scene unit = output pixel at zoom 1)
  float origin_x = 0, origin_y = 0;  // scene coordinates of the canvas' top-left corner
  std::vector<Hsv> hsv;
  std::vector<float> depth;    // 0 = at the camera, 1 = sky
  std::vector<std::uint16_t> id;
  std::vector<Rgb> rgb;
  std::uint16_t first_figure_id = 0xFFFF;  // figures are painted last: every id from here on is one

  bool is_figure(int k) const { return id[static_cast<std::size_t>(k)] >= first_figure_id; }

  float scene_x(int i) const { return origin_x + (i + 0.5f) / scale; }
  float scene_y(int j) const { return origin_y + (j + 0.5f) / scale; }
  int index(int i, int j) const { return j * w + i; }
};

struct Shape {
  enum Kind { kRect, kEllipse, kTriangle } kind;
  float x0, y0, x1, y1;  // bounding box in scene units (triangle: apex at top centre)
};

struct Painter {
  Canvas& canvas;
  const ClipAttributes& attributes;
  float light_dir;  // -1 light from the left, +1 from the right

  // Fills `shape` with the role's colour; photoreal and painterly styles shade it (brighter on
  // the lit side and the top), flat 2D keeps one flat fill.
  void paint(const Shape& shape, int role, int variant, float value_scale, float depth, std::uint16_t id) {
    const Tone tone = palette_tone(attributes.palette, role, variant);
    const float base_v = lighting_value(attributes.lighting, role) * value_scale;
    const bool shaded = attributes.style != Style::Flat2D;
    const int i0 = std::max(0, static_cast<int>(std::floor((shape.x0 - canvas.origin_x) * canvas.scale)));
    const int i1 = std::min(canvas.w - 1, static_cast<int>(std::ceil((shape.x1 - canvas.origin_x) * canvas.scale)));
    const int j0 = std::max(0, static_cast<int>(std::floor((shape.y0 - canvas.origin_y) * canvas.scale)));
    const int j1 = std::min(canvas.h - 1, static_cast<int>(std::ceil((shape.y1 - canvas.origin_y) * canvas.scale)));
    const float cx = (shape.x0 + shape.x1) / 2, cy = (shape.y0 + shape.y1) / 2;
    const float hw = std::max(1e-3f, (shape.x1 - shape.x0) / 2), hh = std::max(1e-3f, (shape.y1 - shape.y0) / 2);
    for (int j = j0; j <= j1; ++j) {
      const float y = canvas.scene_y(j);
      if (y < shape.y0 || y > shape.y1) continue;
      for (int i = i0; i <= i1; ++i) {
        const float x = canvas.scene_x(i);
        if (x < shape.x0 || x > shape.x1) continue;
        const float u = (x - cx) / hw, w = (y - cy) / hh;  // -1..1 inside the box
        bool inside = true;
        if (shape.kind == Shape::kEllipse) inside = u * u + w * w <= 1.0f;
        if (shape.kind == Shape::kTriangle) inside = std::abs(u) <= (w + 1) / 2;
        if (!inside) continue;
        float v = base_v;
        if (shaded) v *= 1.0f + 0.22f * u * light_dir - 0.08f * w;
        const int k = canvas.index(i, j);
        canvas.hsv[k] = {tone.h, tone.s, v};
        canvas.depth[k] = depth;
        canvas.id[k] = id;
      }
    }
  }
};

struct Layout {
  float horizon = 0;       // scene y of the horizon
  float subject_x = 0;     // scene x of the subject (or the group's centre)
  float feet_y = 0;        // scene y where the main figures stand
  float figure_h = 0;      // main figure height
  std::vector<std::array<float, 3>> figures;  // x, feet y, height
  std::vector<std::array<float, 3>> props;    // kind (0 tree, 1 house, 2 lamp), x, size
};

float horizon_fraction(Composition c) {
  switch (c) {
    case Composition::LowHorizon: return 0.72f;
    case Composition::HighHorizon: return 0.30f;
    default: return 0.52f;
  }
}

float subject_fraction(Composition c) {
  switch (c) {
    case Composition::ThirdsLeft: return 1.0f / 3;
    case Composition::ThirdsRight: return 2.0f / 3;
    default: return 0.5f;
  }
}

float lens_figure_height(Lens lens) {
  switch (lens) {
    case Lens::Wide: return 0.36f;
    case Lens::Normal: return 0.50f;
    case Lens::Telephoto: return 0.66f;
  }
  return 0.50f;
}

// Telephoto compresses the background: props behind the subject appear nearly as large as it.
float lens_prop_size(Lens lens) {
  switch (lens) {
    case Lens::Wide: return 0.20f;
    case Lens::Normal: return 0.30f;
    case Lens::Telephoto: return 0.46f;
  }
  return 0.30f;
}

Layout make_layout(const ClipAttributes& a, int width, int height, float scene_x0, float scene_x1, Rng& rng) {
  Layout l;
  const float W = static_cast<float>(width), H = static_cast<float>(height);
  l.horizon = horizon_fraction(a.composition) * H;
  l.subject_x = subject_fraction(a.composition) * W;
  l.figure_h = lens_figure_height(a.lens) * H;
  l.feet_y = std::min(H - 1.5f, l.horizon + std::max(0.16f * H, (H - l.horizon) * 0.6f));
  l.feet_y = std::max(l.feet_y, l.figure_h + 1.0f);
  if (a.characters == Characters::One) {
    l.figures.push_back({l.subject_x, l.feet_y, l.figure_h});
  } else if (a.characters == Characters::Two) {
    // Keep both figures inside the reference frame, with a clear gap between them.
    const float offset = std::max(0.42f * l.figure_h, 0.16f * W);
    const float reach = offset + 0.2f * l.figure_h + 1;
    const float centre = reach * 2 < W ? std::clamp(l.subject_x, reach, W - reach) : W / 2;
    l.figures.push_back({centre - offset, l.feet_y, l.figure_h});
    l.figures.push_back({centre + offset, l.feet_y, l.figure_h * rng.range(0.9f, 1.0f)});
  } else {
    const int count = 5 + rng.below(5);
    const float h = std::min(l.figure_h * 0.72f, 0.25f * W);  // a crowd fits several across
    const float spacing = std::max(0.34f * h * 2.4f, std::min(W / 5.0f, (scene_x1 - scene_x0) / count));
    for (int k = 0; k < count; ++k) {
      const float x = l.subject_x + (k - (count - 1) / 2.0f) * spacing + rng.range(-0.12f, 0.12f) * spacing;
      const float fh = h * rng.range(0.9f, 1.05f);
      l.figures.push_back({x, l.feet_y + rng.range(-0.03f, 0.03f) * H, fh});
    }
  }
  // Props stand on the horizon, away from the subject so they never merge with a figure.
  const int prop_count = 1 + rng.below(3);
  const float size = lens_prop_size(a.lens) * H;
  for (int k = 0; k < prop_count; ++k) {
    const float kind = static_cast<float>(rng.below(3));
    float x = 0;
    for (int attempt = 0; attempt < 8; ++attempt) {
      x = rng.range(scene_x0, scene_x1);
      bool clear = true;
      for (const auto& f : l.figures) clear = clear && std::abs(x - f[0]) > 0.35f * f[2] + size * 0.6f;
      if (clear) break;
    }
    l.props.push_back({kind, x, size * rng.range(0.85f, 1.15f)});
  }
  return l;
}

void paint_figure(Painter& p, float x, float feet, float h, int variant, float depth, std::uint16_t id) {
  const float top = feet - h;
  const float head_r = 0.11f * h, body_w = 0.34f * h, leg_w = 0.13f * h, leg_gap = 0.08f * h;
  p.paint({Shape::kRect, x - leg_gap / 2 - leg_w, top + 0.60f * h, x - leg_gap / 2, feet}, kLegs, 0, 1, depth, id);
  p.paint({Shape::kRect, x + leg_gap / 2, top + 0.60f * h, x + leg_gap / 2 + leg_w, feet}, kLegs, 0, 1, depth, id);
  p.paint({Shape::kRect, x - body_w / 2, top + 0.25f * h, x + body_w / 2, top + 0.64f * h}, kClothing, variant, 1,
          depth, id);
  p.paint({Shape::kEllipse, x - head_r, top, x + head_r, top + 2 * head_r}, kSkin, 0, 1, depth, id);
}

void paint_prop(Painter& p, int kind, float x, float base, float size, std::uint16_t id) {
  const float depth = 0.75f;
  if (kind == 0) {  // tree: trunk and a round crown
    p.paint({Shape::kRect, x - 0.07f * size, base - 0.45f * size, x + 0.07f * size, base}, kTrunk, 0, 1, depth, id);
    p.paint({Shape::kEllipse, x - 0.5f * size, base - size, x + 0.5f * size, base - 0.4f * size}, kFoliage, 0, 1,
            depth, id);
  } else if (kind == 1) {  // house: wall, roof, two windows
    const float w = 0.9f * size;
    p.paint({Shape::kRect, x - w / 2, base - 0.55f * size, x + w / 2, base}, kWall, 0, 1, depth, id);
    p.paint({Shape::kTriangle, x - w / 2 - 0.06f * size, base - 0.95f * size, x + w / 2 + 0.06f * size,
             base - 0.55f * size},
            kRoof, 0, 1, depth, id);
    for (float wx : {-0.22f, 0.22f})
      p.paint({Shape::kRect, x + wx * size - 0.08f * size, base - 0.42f * size, x + wx * size + 0.08f * size,
               base - 0.26f * size},
              kWindow, 0, 1, depth, id);
  } else {  // lamp post: a thin pole and the lamp
    p.paint({Shape::kRect, x - 0.035f * size, base - 0.95f * size, x + 0.035f * size, base}, kPole, 0, 1, depth, id);
    p.paint({Shape::kEllipse, x - 0.06f * size, base - 1.06f * size, x + 0.06f * size, base - 0.94f * size}, kLamp, 0, 1,
            depth, id);
  }
}

struct CameraPath {
  int step = 0;           // pan/tilt pixels per frame
  double zoom_step = 1;   // zoom factor per frame
  int reference = 0;      // frame whose offset is zero (pans, tilts)
  float offset_x(const ClipAttributes& a, int t) const {
    const int d = step * (t - reference);
    return a.camera == CameraMove::PanRight ? static_cast<float>(d)
                                            : (a.camera == CameraMove::PanLeft ? static_cast<float>(-d) : 0.0f);
  }
  float offset_y(const ClipAttributes& a, int t) const {
    const int d = step * (t - reference);
    return a.camera == CameraMove::TiltDown ? static_cast<float>(d)
                                            : (a.camera == CameraMove::TiltUp ? static_cast<float>(-d) : 0.0f);
  }
  float zoom(const ClipAttributes& a, int t, int frames) const {
    if (a.camera == CameraMove::PushIn) return static_cast<float>(std::pow(zoom_step, t));
    if (a.camera == CameraMove::PullOut) return static_cast<float>(std::pow(zoom_step, frames - 1 - t));
    return 1.0f;
  }
};

}  // namespace

int camera_step_pixels(int height) { return std::max(1, static_cast<int>(std::lround(2.0 * height / 32.0))); }

double camera_zoom_per_frame(int frames) {
  if (frames < 2) return 1.0;
  return std::min(1.05, std::pow(1.5, 1.0 / (frames - 1)));
}

CameraMotion prompt_camera_motion(std::string_view prompt, int frames, int height) {
  return content_motion(camera_move_from_words(prompt).value_or(CameraMove::Static), frames, height);
}

CameraMotion content_motion(CameraMove move, int frames, int height) {
  const double step = camera_step_pixels(height);
  CameraMotion motion;
  switch (move) {
    case CameraMove::Static: break;
    case CameraMove::PanLeft: motion.dx = step; break;
    case CameraMove::PanRight: motion.dx = -step; break;
    case CameraMove::TiltUp: motion.dy = step; break;
    case CameraMove::TiltDown: motion.dy = -step; break;
    case CameraMove::PushIn: motion.scale = camera_zoom_per_frame(frames); break;
    case CameraMove::PullOut: motion.scale = 1.0 / camera_zoom_per_frame(frames); break;
  }
  return motion;
}

namespace {

// The canvas the frames are cut from: what the camera sees over the whole clip plus a pixel of
// margin, at the resolution of the closest zoom (so a push-in never magnifies canvas pixels).
Canvas make_canvas(const ClipAttributes& a, const CameraPath& camera, int frames, int width, int height) {
  const bool zooms = a.camera == CameraMove::PushIn || a.camera == CameraMove::PullOut;
  const float max_zoom = zooms ? static_cast<float>(std::pow(camera.zoom_step, frames - 1)) : 1.0f;
  float min_ox = 0, max_ox = 0, min_oy = 0, max_oy = 0;
  for (int t = 0; t < frames; ++t) {
    min_ox = std::min(min_ox, camera.offset_x(a, t));
    max_ox = std::max(max_ox, camera.offset_x(a, t));
    min_oy = std::min(min_oy, camera.offset_y(a, t));
    max_oy = std::max(max_oy, camera.offset_y(a, t));
  }
  Canvas canvas;
  canvas.scale = max_zoom;
  canvas.origin_x = min_ox - 1;
  canvas.origin_y = min_oy - 1;
  canvas.w = static_cast<int>(std::ceil((static_cast<float>(width) + max_ox - min_ox + 2) * canvas.scale));
  canvas.h = static_cast<int>(std::ceil((static_cast<float>(height) + max_oy - min_oy + 2) * canvas.scale));
  const std::size_t n = static_cast<std::size_t>(canvas.w) * canvas.h;
  canvas.hsv.resize(n);
  canvas.depth.resize(n);
  canvas.id.resize(n);
  canvas.rgb.resize(n);
  return canvas;
}

// Backdrop: sky gradient down to the horizon, ground gradient from the horizon toward the camera.
void paint_backdrop(Canvas& canvas, const ClipAttributes& a, const Layout& layout, float H) {
  const bool flat = a.style == Style::Flat2D;
  const Tone sky_top = palette_tone(a.palette, kSkyTop, 0), sky_hor = palette_tone(a.palette, kSkyHorizon, 0);
  const Tone ground = palette_tone(a.palette, kGround, 0), ground_far = palette_tone(a.palette, kGroundFar, 0);
  for (int j = 0; j < canvas.h; ++j) {
    const float y = canvas.scene_y(j);
    for (int i = 0; i < canvas.w; ++i) {
      const int k = canvas.index(i, j);
      if (y < layout.horizon) {
        float t = std::pow(std::clamp(1.0f - (layout.horizon - y) / (0.9f * H), 0.0f, 1.0f), 1.3f);
        if (flat) t = std::round(t * 2) / 2;  // three flat bands
        canvas.hsv[k] = {sky_top.h + (sky_hor.h - sky_top.h) * t, sky_top.s + (sky_hor.s - sky_top.s) * t,
                         lighting_value(a.lighting, kSkyTop) +
                             (lighting_value(a.lighting, kSkyHorizon) - lighting_value(a.lighting, kSkyTop)) * t};
        canvas.depth[k] = 1.0f;
        canvas.id[k] = kSkyId;
      } else {
        float t = std::clamp((y - layout.horizon) / (0.6f * H), 0.0f, 1.0f);
        if (flat) t = t < 0.4f ? 0.0f : 1.0f;  // two flat bands
        canvas.hsv[k] = {ground_far.h + (ground.h - ground_far.h) * t, ground_far.s + (ground.s - ground_far.s) * t,
                         lighting_value(a.lighting, kGroundFar) +
                             (lighting_value(a.lighting, kGround) - lighting_value(a.lighting, kGroundFar)) * t};
        canvas.depth[k] = flat ? 0.6f : 0.95f - 0.8f * t;
        canvas.id[k] = kGroundId;
      }
    }
  }
}

using Lamps = std::vector<std::array<float, 2>>;  // scene x, y of each street lamp's light

// A lighthouse on the horizon, on the side of the frame away from the subject: a tall pale tower, a
// roof and its lamp at the top. Returns where its light is.
std::array<float, 2> paint_lighthouse(Painter& p, const Layout& layout, float W, float H, std::uint16_t id) {
  const float x = layout.subject_x + (layout.subject_x < W / 2 ? 0.3f : -0.3f) * W;
  const float base = layout.horizon + 0.02f * H;
  const float tall = std::max(0.3f * H, 0.7f * layout.horizon), half = 0.045f * H;
  const float top = base - tall, lamp_r = 0.045f * H;
  const float depth = 0.7f;
  p.paint({Shape::kRect, x - half, top, x + half, base}, kWall, 0, 1.15f, depth, id);
  p.paint({Shape::kEllipse, x - lamp_r, top - 2 * lamp_r, x + lamp_r, top}, kLamp, 0, 1.1f, depth, id);
  p.paint({Shape::kTriangle, x - 1.4f * half, top - 2 * lamp_r - 0.08f * H, x + 1.4f * half, top - 2 * lamp_r}, kRoof,
          0, 1, depth, id);
  return {x, top - lamp_r};
}

// A lantern held out at hand height on the side of the figure toward the frame's centre, hanging
// from a short handle. Returns where its light is.
std::array<float, 2> paint_lantern(Painter& p, const std::array<float, 3>& figure, float W, std::uint16_t id) {
  const auto [fx, feet, h] = figure;
  const float x = fx + (fx < W / 2 ? 0.3f : -0.3f) * h, y = feet - 0.45f * h, r = 0.08f * h;
  const float depth = 0.29f;  // in front of its figure
  p.paint({Shape::kRect, x - 0.015f * h, y - r - 0.12f * h, x + 0.015f * h, y - r}, kPole, 0, 1, depth, id);
  p.paint({Shape::kEllipse, x - r, y - r, x + r, y + r}, kLamp, 0, 1.1f, depth, id);
  return {x, y};
}

// The sun or stars, the props (with a lighthouse a script named) and the figures (a lantern in the
// subject's hand) over the backdrop; returns the lamps.
Lamps paint_objects(Canvas& canvas, const ClipAttributes& a, const Layout& layout, const std::vector<Prop>& named,
                    float light_dir, std::uint64_t texture_salt, float W, float H) {
  Painter painter{canvas, a, light_dir};
  std::uint16_t next_id = 2;
  // The sun: low and to one side at golden hour, straight behind the subject when backlit.
  if (a.lighting == Lighting::GoldenHour || a.lighting == Lighting::Backlit) {
    const bool behind = a.lighting == Lighting::Backlit;
    const float sx = behind ? layout.subject_x : layout.subject_x + (light_dir > 0 ? 0.3f : -0.3f) * W;
    const float r = (behind ? 0.11f : 0.07f) * H;
    const float sy = layout.horizon - (behind ? 0.04f : 0.1f) * H;
    painter.paint({Shape::kEllipse, sx - r, sy - r, sx + r, std::min(sy + r, layout.horizon)}, kSun, 0, 1, 1.0f,
                  next_id++);
  }
  if (a.lighting == Lighting::Night) {  // a few stars, fixed in the sky
    for (int j = 0; j < canvas.h; ++j)
      for (int i = 0; i < canvas.w; ++i) {
        const int k = canvas.index(i, j);
        if (canvas.id[k] == kSkyId && hash01(i, j, texture_salt ^ 0x5157) < 0.012f) {
          const Tone star = palette_tone(a.palette, kStar, 0);
          canvas.hsv[k] = {star.h, star.s, lighting_value(a.lighting, kStar)};
        }
      }
  }
  Lamps lamps;
  for (const auto& prop : layout.props) {
    paint_prop(painter, static_cast<int>(prop[0]), prop[1], layout.horizon + 0.02f * H, prop[2], next_id++);
    if (prop[0] == 2) lamps.push_back({prop[1], layout.horizon + 0.02f * H - 1.0f * prop[2]});
  }
  const auto has = [&](Prop prop) { return std::find(named.begin(), named.end(), prop) != named.end(); };
  if (has(Prop::Lighthouse)) lamps.push_back(paint_lighthouse(painter, layout, W, H, next_id++));
  // Figures back to front (higher feet are further away).
  std::vector<std::size_t> order(layout.figures.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(),
            [&](std::size_t x, std::size_t y) { return layout.figures[x][1] < layout.figures[y][1]; });
  const float figure_depth = a.characters == Characters::Crowd ? 0.35f : 0.3f;
  canvas.first_figure_id = next_id;
  for (std::size_t k : order) {
    const auto& f = layout.figures[k];
    paint_figure(painter, f[0], f[1], f[2], static_cast<int>(k), figure_depth, next_id++);
  }
  // The lantern is in the subject's hand: part of the figure, in front of it.
  if (has(Prop::Lantern) && !layout.figures.empty())
    lamps.push_back(paint_lantern(painter, layout.figures.front(), W, next_id++));
  return lamps;
}

// The air's colours: fog and haze follow the palette's horizon at the light's haze value.
struct AirColours {
  float haze_v;
  Hsv fog_hsv;
  Rgb fog_rgb;
  Rgb dust_rgb;
};

AirColours air_colours(const ClipAttributes& a) {
  AirColours air;
  air.haze_v = haze_value(a.lighting);
  air.fog_hsv = {palette_tone(a.palette, kSkyHorizon, 0).h, palette_tone(a.palette, kSkyHorizon, 0).s * 0.5f, air.haze_v};
  air.fog_rgb = hsv_to_rgb(air.fog_hsv);
  air.dust_rgb = hsv_to_rgb({35, a.palette == Palette::Monochrome ? 0.0f : 0.35f, std::max(0.2f, air.haze_v * 0.85f)});
  return air;
}

// Lighting fields, texture, palette grading and atmosphere, per canvas pixel: canvas.hsv → canvas.rgb.
void shade_canvas(Canvas& canvas, const ClipAttributes& a, const Layout& layout, const Lamps& lamps,
                  const AirColours& air, std::uint64_t texture_salt, float stroke_angle, float H) {
  const float ca = std::cos(stroke_angle), sa = std::sin(stroke_angle);
  const float pool_r = 0.42f * H;
  const std::size_t n = canvas.hsv.size();

  // Teal and orange splits the clip's tones at its median value: shadows teal, highlights orange.
  float teal_split = 0.5f;
  if (a.palette == Palette::TealOrange) {
    std::vector<float> values(n);
    for (std::size_t k = 0; k < n; ++k) values[k] = canvas.hsv[k].v;
    std::nth_element(values.begin(), values.begin() + n / 2, values.end());
    teal_split = values[n / 2];
  }

  for (int j = 0; j < canvas.h; ++j) {
    const float y = canvas.scene_y(j);
    for (int i = 0; i < canvas.w; ++i) {
      const float x = canvas.scene_x(i);
      const int k = canvas.index(i, j);
      Hsv c = canvas.hsv[k];
      if (a.lighting == Lighting::LowKey && canvas.id[k] != kSkyId) {
        const float dx = (x - layout.subject_x) / (pool_r * (a.characters == Characters::Crowd ? 2.2f : 1.3f));
        const float dy = (y - (layout.feet_y - 0.4f * layout.figure_h)) / pool_r;
        c.v += 0.08f * std::exp(-(dx * dx + dy * dy)) * (1 - c.v);
      }
      for (const auto& lamp : lamps) {
        if (a.lighting != Lighting::Night && a.lighting != Lighting::LowKey) break;
        const float dx = (x - lamp[0]) / (0.13f * H), dy = (y - lamp[1]) / (0.13f * H);
        c.v += 0.5f * std::exp(-(dx * dx + dy * dy)) * (1 - c.v);
      }
      const float lit_v = c.v;  // before texture, so grading does not speckle with the grain
      if (a.style == Style::Photoreal) {
        const float n1 = hash01(i, j, texture_salt) * 2 - 1;
        c.v = c.v * (1 + 0.045f * n1) + 0.02f * n1;
      } else if (a.style == Style::Painterly) {
        const float along = (x * ca + y * sa) / 3.5f, across = (-x * sa + y * ca) / 0.8f;
        const float stroke = value_noise(along, across, texture_salt) * 2 - 1;
        const float tint = value_noise(along * 0.5f, across * 0.5f, texture_salt ^ 0x77) * 2 - 1;
        c.v = c.v * (1 + 0.2f * stroke) + 0.02f * stroke;
        c.h += 10.0f * tint;
        c.s = std::clamp(c.s * (1 + 0.2f * tint), 0.0f, 1.0f);
      }
      if (a.palette == Palette::TealOrange) {
        const float t = smoothstep(teal_split - 0.06f, teal_split + 0.06f, lit_v);
        c.h = t < 0.5f ? 185.0f : 28.0f;
        c.s = 0.7f - 0.05f * t;
      }
      if (a.palette == Palette::Pastel) c.v += 0.12f * c.v * (1 - c.v);
      Rgb rgb = hsv_to_rgb(c);
      float haze = 0;
      Rgb haze_rgb = air.fog_rgb;
      if (a.atmosphere == Atmosphere::Fog) haze = 0.6f * canvas.depth[k];
      if (a.atmosphere == Atmosphere::Dust) {
        haze = 0.28f * canvas.depth[k];
        haze_rgb = air.dust_rgb;
      }
      rgb = {rgb.r + (haze_rgb.r - rgb.r) * haze, rgb.g + (haze_rgb.g - rgb.g) * haze,
             rgb.b + (haze_rgb.b - rgb.b) * haze};
      canvas.rgb[k] = rgb;
    }
  }
}

// Flat 2D: a 1-pixel dark outline on the near side of every boundary between objects.
void outline_objects(Canvas& canvas) {
  std::vector<Rgb> outlined = canvas.rgb;
  for (int j = 0; j < canvas.h; ++j)
    for (int i = 0; i < canvas.w; ++i) {
      const int k = canvas.index(i, j);
      bool edge = false;
      const int ni[4] = {i - 1, i + 1, i, i};
      const int nj[4] = {j, j, j - 1, j + 1};
      for (int q = 0; q < 4 && !edge; ++q) {
        if (ni[q] < 0 || nj[q] < 0 || ni[q] >= canvas.w || nj[q] >= canvas.h) continue;
        const int m = canvas.index(ni[q], nj[q]);
        edge = canvas.id[m] != canvas.id[k] && canvas.depth[m] > canvas.depth[k];
      }
      if (edge) outlined[k] = {canvas.rgb[k].r * 0.15f, canvas.rgb[k].g * 0.15f, canvas.rgb[k].b * 0.15f};
    }
  canvas.rgb.swap(outlined);
}

// Frame t: the camera's window onto the canvas, sampled bilinearly. `sample(out, k00, k10, k01, k11,
// w00, w10, w01, w11)` is called once per output pixel with the four canvas pixels it reads and their
// weights, so the picture and the figure coverage are cut through the same camera.
template <class Sample>
void cut_frame(const Canvas& canvas, const CameraPath& camera, const ClipAttributes& a, int t, int frames, int width,
               int height, Sample&& sample) {
  const float W = static_cast<float>(width), H = static_cast<float>(height);
  const float z = camera.zoom(a, t, frames);
  const float ox = camera.offset_x(a, t), oy = camera.offset_y(a, t);
  for (int yy = 0; yy < height; ++yy) {
    const float sy = oy + H / 2 + (yy + 0.5f - H / 2) / z;
    const float cy = (sy - canvas.origin_y) * canvas.scale - 0.5f;
    const int y0 = std::clamp(static_cast<int>(std::floor(cy)), 0, canvas.h - 2);
    const float fy = std::clamp(cy - y0, 0.0f, 1.0f);
    for (int xx = 0; xx < width; ++xx) {
      const float sx = ox + W / 2 + (xx + 0.5f - W / 2) / z;
      const float cx = (sx - canvas.origin_x) * canvas.scale - 0.5f;
      const int x0 = std::clamp(static_cast<int>(std::floor(cx)), 0, canvas.w - 2);
      const float fx = std::clamp(cx - x0, 0.0f, 1.0f);
      sample(static_cast<std::size_t>(yy) * width + xx, canvas.index(x0, y0), canvas.index(x0 + 1, y0),
             canvas.index(x0, y0 + 1), canvas.index(x0 + 1, y0 + 1), (1 - fx) * (1 - fy), fx * (1 - fy),
             (1 - fx) * fy, fx * fy);
    }
  }
}

// Rain, snow or dust particles in front of everything, moving from frame to frame.
void add_particles(std::vector<Rgb>& frame_rgb, const ClipAttributes& a, const AirColours& air,
                   std::uint64_t particle_salt, int t, int width, int height) {
  const float W = static_cast<float>(width), H = static_cast<float>(height);
  const float unit = H / 32.0f;
  auto blend = [&](int px, int py, Rgb colour, float alpha) {
    if (px < 0 || py < 0 || px >= width || py >= height) return;
    Rgb& d = frame_rgb[static_cast<std::size_t>(py) * width + px];
    d = {d.r + (colour.r - d.r) * alpha, d.g + (colour.g - d.g) * alpha, d.b + (colour.b - d.b) * alpha};
  };
  if (a.atmosphere == Atmosphere::Rain) {
    const int count = width * height / 55;
    const Rgb streak = hsv_to_rgb({air.fog_hsv.h, air.fog_hsv.s * 0.5f, std::min(0.95f, air.haze_v + 0.25f)});
    const float len = 4.0f * unit, vy = 7.0f * unit, vx = -2.0f * unit;
    for (int p = 0; p < count; ++p) {
      const float span_y = H + len;
      float px = hash01(p, 1, particle_salt) * (W + 8 * unit) + vx * t;
      float py = hash01(p, 2, particle_salt) * span_y + vy * t;
      py = std::fmod(py, span_y) - len;
      px = std::fmod(std::fmod(px, W + 8 * unit) + W + 8 * unit, W + 8 * unit);
      for (float s = 0; s < len; s += 1.0f)
        blend(static_cast<int>(px + vx / vy * s), static_cast<int>(py + s), streak, 0.45f);
    }
  } else if (a.atmosphere == Atmosphere::Snow) {
    const Rgb flake{0.95f, 0.95f, 0.97f};
    const int size = std::max(1, static_cast<int>(unit + 0.5f) / 2 + (unit >= 1.5f ? 1 : 0));
    const int count = width * height / (40 * size * size);  // same snow cover at every size
    for (int p = 0; p < count; ++p) {
      const float phase = hash01(p, 3, particle_salt) * 6.283f;
      float px = hash01(p, 1, particle_salt) * W + 0.8f * unit * std::sin(phase + 0.5f * t);
      float py = std::fmod(hash01(p, 2, particle_salt) * H + 0.8f * unit * t, H);
      for (int dy = 0; dy < size; ++dy)
        for (int dx = 0; dx < size; ++dx)
          blend(static_cast<int>(std::floor(px)) + dx, static_cast<int>(std::floor(py)) + dy, flake, 0.85f);
    }
  } else if (a.atmosphere == Atmosphere::Dust) {
    const int count = width * height / 90;
    for (int p = 0; p < count; ++p) {
      float px = std::fmod(hash01(p, 1, particle_salt) * W + 0.4f * unit * t, W);
      float py = hash01(p, 2, particle_salt) * H + 0.3f * unit * std::sin(hash01(p, 3, particle_salt) * 6.283f + t);
      blend(static_cast<int>(px), static_cast<int>(py), air.dust_rgb, 0.6f);
    }
  }
}

Image to_image(const std::vector<Rgb>& frame_rgb, int width, int height) {
  Image frame(width, height);
  for (std::size_t k = 0; k < frame_rgb.size(); ++k) {
    frame.rgb[3 * k + 0] = static_cast<std::uint8_t>(std::clamp(frame_rgb[k].r, 0.0f, 1.0f) * 255.0f + 0.5f);
    frame.rgb[3 * k + 1] = static_cast<std::uint8_t>(std::clamp(frame_rgb[k].g, 0.0f, 1.0f) * 255.0f + 0.5f);
    frame.rgb[3 * k + 2] = static_cast<std::uint8_t>(std::clamp(frame_rgb[k].b, 0.0f, 1.0f) * 255.0f + 0.5f);
  }
  return frame;
}

}  // namespace

// The scene is painted once on a canvas in HSV, shaded to RGB, and each frame is the camera's
// window onto it with the particles of that moment. The seed's draws come in a fixed order (the
// layout, the texture, the light's side, the brush strokes, the particles), so a clip is the same
// on every machine.
Clip render_clip(const ClipAttributes& a, int frames, int width, int height, std::uint64_t seed,
                 FigureCoverage* figures, const std::vector<Prop>& props) {
  Rng rng(seed);
  const float W = static_cast<float>(width), H = static_cast<float>(height);
  const CameraPath camera{camera_step_pixels(height), camera_zoom_per_frame(frames), (frames - 1) / 2};
  Canvas canvas = make_canvas(a, camera, frames, width, height);
  const float scene_x0 = canvas.origin_x, scene_x1 = canvas.origin_x + canvas.w / canvas.scale;

  const Layout layout = make_layout(a, width, height, scene_x0, scene_x1, rng);
  const std::uint64_t texture_salt = rng.next();
  const float light_dir = rng.chance(0.5) ? 1.0f : -1.0f;
  paint_backdrop(canvas, a, layout, H);
  const Lamps lamps = paint_objects(canvas, a, layout, props, light_dir, texture_salt, W, H);

  const AirColours air = air_colours(a);
  const float stroke_angle = rng.range(0.35f, 1.2f) * (rng.chance(0.5) ? 1.0f : -1.0f);
  shade_canvas(canvas, a, layout, lamps, air, texture_salt, stroke_angle, H);
  if (a.style == Style::Flat2D) outline_objects(canvas);

  Clip clip;
  clip.frames.reserve(frames);
  const std::uint64_t particle_salt = rng.next();
  std::vector<Rgb> frame_rgb(static_cast<std::size_t>(width) * height);
  if (figures) *figures = {width, height, {}};
  for (int t = 0; t < frames; ++t) {
    cut_frame(canvas, camera, a, t, frames, width, height,
              [&](std::size_t out, int k00, int k10, int k01, int k11, float w00, float w10, float w01, float w11) {
                const Rgb &p00 = canvas.rgb[k00], &p10 = canvas.rgb[k10], &p01 = canvas.rgb[k01], &p11 = canvas.rgb[k11];
                frame_rgb[out] = {p00.r * w00 + p10.r * w10 + p01.r * w01 + p11.r * w11,
                                  p00.g * w00 + p10.g * w10 + p01.g * w01 + p11.g * w11,
                                  p00.b * w00 + p10.b * w10 + p01.b * w01 + p11.b * w11};
              });
    add_particles(frame_rgb, a, air, particle_salt, t, width, height);
    clip.frames.push_back(to_image(frame_rgb, width, height));
    if (!figures) continue;
    std::vector<float>& coverage = figures->frames.emplace_back(frame_rgb.size());
    cut_frame(canvas, camera, a, t, frames, width, height,
              [&](std::size_t out, int k00, int k10, int k01, int k11, float w00, float w10, float w01, float w11) {
                coverage[out] = (canvas.is_figure(k00) ? w00 : 0.0f) + (canvas.is_figure(k10) ? w10 : 0.0f) +
                                (canvas.is_figure(k01) ? w01 : 0.0f) + (canvas.is_figure(k11) ? w11 : 0.0f);
              });
  }
  return clip;
}

}  // namespace shotgen::world
