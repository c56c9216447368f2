#pragma once
// Training captions and reference examples drawn from the world's attributes.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/image.h"
#include "world/attributes.h"

namespace shotgen::world {

// The prompt assembler's section order (style block first, then action, camera, lens, lighting,
// palette, composition, atmosphere, mood).
enum class CaptionSection { Style, Action, Camera, Lens, Lighting, Palette, Composition, Atmosphere, Mood };

struct CaptionPart {
  CaptionSection section;
  std::string text;
};

// The parts of one caption in section order, each with a randomly chosen phrasing. Each section
// is dropped with probability 0.2 and the whole caption is empty with probability 0.1. For flat
// 2D and painterly clips the style part sometimes carries the field's negated phrasing
// "not live action, not photorealistic".
std::vector<CaptionPart> caption_parts(const ClipAttributes& attributes, Rng& rng);

// The parts joined with ", ".
std::string caption_for(const ClipAttributes& attributes, Rng& rng);

// The reference dimensions the engine has token groups for.
enum class ReferenceDimension { Palette, Lighting, Texture, Composition };
inline constexpr std::array kReferenceDimensions = {ReferenceDimension::Palette, ReferenceDimension::Lighting,
                                                    ReferenceDimension::Texture, ReferenceDimension::Composition};
std::string_view word(ReferenceDimension dimension);  // "palette", "lighting", "texture", "composition"

struct ReferenceExample {
  Image image;                              // one frame of the reference clip
  std::vector<ReferenceDimension> shared;   // non-empty, in kReferenceDimensions order
  ClipAttributes attributes;                // what the reference image shows
};

// A reference for `target`: a random non-empty subset of dimensions is shared (texture = style);
// every dimension not shared is resampled to a value different from the target's, and the rest
// of the scene (camera, lens, atmosphere, characters) is resampled freely. Static camera.
ReferenceExample make_reference(const ClipAttributes& target, int width, int height, Rng& rng);

}  // namespace shotgen::world
