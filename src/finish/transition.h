#pragma once
// Transitions between two shots, frame by frame, as `shotgen assemble` joins the takes: a
// crossfade blends the outgoing and the incoming frame; a dip to black fades the outgoing frame
// to black over the first half and the incoming one in from black over the second.
// transition_reference is the CPU reference shaders/transition.comp must match within 1/255.
#include "core/image.h"

namespace shotgen::finish {

enum class TransitionStyle { Crossfade, DipToBlack };

// `incoming_weight`: 0 shows only the outgoing frame, 1 only the incoming one (0.5 is black in a
// dip). Both frames have the same size.
Image transition_reference(const Image& outgoing, const Image& incoming, TransitionStyle style, float incoming_weight);

}  // namespace shotgen::finish
