#include "finish/transition.h"

#include "core/error.h"
#include "finish/pixel_math.h"

namespace shotgen::finish {

Image transition_reference(const Image& outgoing, const Image& incoming, TransitionStyle style, float w) {
  if (outgoing.width != incoming.width || outgoing.height != incoming.height)
    throw Error("transition between frames of different sizes", "finish.transition",
                "scale both shots to the film's resolution first");
  Image out(outgoing.width, outgoing.height);
  for (std::size_t i = 0; i < out.rgb.size(); ++i) {
    const float a = outgoing.rgb[i], b = incoming.rgb[i];
    float mixed;
    if (style == TransitionStyle::Crossfade) mixed = (1.0f - w) * a + w * b;
    else if (w < 0.5f) mixed = (1.0f - 2.0f * w) * a;
    else mixed = (2.0f * w - 1.0f) * b;
    out.rgb[i] = to_byte(mixed);
  }
  return out;
}

}  // namespace shotgen::finish
