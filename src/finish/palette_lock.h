#pragma once
// The palette lock: style-block enforcement on the pixels. Every colour's hue is pulled toward the
// nearest hue of the shot's [look] palette (a soft choice, so neighbouring colours never jump
// apart), keeping its luma and its chroma magnitude; a monochrome palette pulls toward grey.
// palette_lock_reference is the CPU reference shaders/palette_lock.comp must match within 1/255.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/image.h"

namespace shotgen::finish {

inline constexpr std::size_t kMaxPaletteTones = 6;  // the shader's push-constant array

struct PaletteTones {
  std::string name;  // "warm", "cool", "teal and orange", "green tones", "pastel", "monochrome"
  // Unit chroma directions (a colour minus its luma) of the palette's hues; empty for monochrome.
  std::vector<std::array<float, 3>> directions;
};

// The palette a [look] palette text names ("warm", "cool tones", "teal and orange", "greyscale",
// ...), or nullopt when it names none the lock knows.
std::optional<PaletteTones> palette_tones(std::string_view palette_text);

// The palettes the lock knows, for messages.
std::string known_palettes();

void palette_lock_reference(Image& image, const PaletteTones& tones, float strength);

}  // namespace shotgen::finish
