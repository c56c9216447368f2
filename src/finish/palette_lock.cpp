#include "finish/palette_lock.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "finish/pixel_math.h"

namespace shotgen::finish {
namespace {

constexpr float kSharpness = 8.0f;  // as in shaders/palette_lock.comp

struct PaletteEntry {
  std::string name;
  std::vector<std::vector<std::string>> phrases;  // any phrase: all of its words present
  std::vector<float> hues;                        // degrees; none: monochrome
};

// Ordered so that the more specific names win ("teal and orange" before a bare "orange").
const std::vector<PaletteEntry>& palettes() {
  static const std::vector<PaletteEntry> table = {
      {"teal and orange", {{"teal", "orange"}}, {185, 28}},
      {"monochrome", {{"monochrome"}, {"black", "white"}, {"greyscale"}, {"grayscale"}}, {}},
      {"pastel", {{"pastel"}, {"pastels"}}, {330, 15, 50, 150, 260}},
      {"green tones", {{"green"}, {"greens"}, {"greenish"}, {"verdant"}}, {85, 110, 135, 155}},
      {"cool", {{"cool"}, {"cold"}, {"blue"}}, {195, 215, 235, 250}},
      {"warm", {{"warm"}, {"amber"}}, {5, 20, 35, 48}},
  };
  return table;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words(1);
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      words.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!words.back().empty())
      words.emplace_back();
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// The chroma direction of a saturated colour of hue `hue` (HSV with s = v = 1).
std::array<float, 3> hue_direction(float hue) {
  const float h = hue / 60.0f;
  const float f = h - std::floor(h);
  std::array<float, 3> rgb;
  switch (static_cast<int>(h) % 6) {
    case 0: rgb = {1, f, 0}; break;
    case 1: rgb = {1 - f, 1, 0}; break;
    case 2: rgb = {0, 1, f}; break;
    case 3: rgb = {0, 1 - f, 1}; break;
    case 4: rgb = {f, 0, 1}; break;
    default: rgb = {1, 0, 1 - f}; break;
  }
  const float y = luma(rgb[0], rgb[1], rgb[2]);
  std::array<float, 3> d = {rgb[0] - y, rgb[1] - y, rgb[2] - y};
  const float length = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  for (float& v : d) v /= length;
  return d;
}

}  // namespace

std::optional<PaletteTones> palette_tones(std::string_view palette_text) {
  const auto words = words_of(palette_text);
  auto has = [&](const std::string& word) { return std::find(words.begin(), words.end(), word) != words.end(); };
  for (const auto& entry : palettes()) {
    const bool named = std::any_of(entry.phrases.begin(), entry.phrases.end(),
                                   [&](const auto& phrase) { return std::all_of(phrase.begin(), phrase.end(), has); });
    if (!named) continue;
    PaletteTones tones{entry.name, {}};
    for (float hue : entry.hues) tones.directions.push_back(hue_direction(hue));
    return tones;
  }
  return std::nullopt;
}

std::string known_palettes() {
  std::string out;
  for (const auto& entry : palettes()) out += (out.empty() ? "" : ", ") + entry.name;
  return out;
}

void palette_lock_reference(Image& image, const PaletteTones& tones, float strength) {
  for (std::size_t i = 0; i < image.rgb.size(); i += 3) {
    const float c[3] = {image.rgb[i] / 255.0f, image.rgb[i + 1] / 255.0f, image.rgb[i + 2] / 255.0f};
    const float y = luma(c[0], c[1], c[2]);
    const float chroma[3] = {c[0] - y, c[1] - y, c[2] - y};
    const float magnitude = std::sqrt(chroma[0] * chroma[0] + chroma[1] * chroma[1] + chroma[2] * chroma[2]);
    float target[3] = {y, y, y};
    if (!tones.directions.empty()) {
      float direction[3] = {0, 0, 0};
      for (const auto& tone : tones.directions) {
        const float cosine =
            (chroma[0] * tone[0] + chroma[1] * tone[1] + chroma[2] * tone[2]) / std::max(magnitude, 1e-6f);
        const float weight = std::exp(kSharpness * (cosine - 1.0f));
        for (int k = 0; k < 3; ++k) direction[k] += weight * tone[k];
      }
      const float length = std::sqrt(direction[0] * direction[0] + direction[1] * direction[1] + direction[2] * direction[2]);
      for (int k = 0; k < 3; ++k) target[k] = length > 1e-12f ? y + magnitude * direction[k] / length : c[k];
    }
    for (int k = 0; k < 3; ++k) image.rgb[i + k] = to_byte((c[k] + strength * (target[k] - c[k])) * 255.0f);
  }
}

}  // namespace shotgen::finish
