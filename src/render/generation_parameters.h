#pragma once
// How a take was generated, as one text in AUTOMATIC1111's "PNG Info" convention, which A1111,
// ComfyUI, image sites and exiftool users read from a PNG's `parameters` text chunk:
//
//   <positive prompt>
//   Negative prompt: <negative prompt>
//   Steps: 24, Sampler: Euler, CFG scale: 5, Seed: 42, Size: 64x32, Model hash: 0123456789ab, Model: default, ...
//
// The last line is "key: value" pairs joined by ", ": the six standard fields first, then
// shotgen's (Backend, Frames, Shift, then the sampler's options where set: Negative scale, Layout guide,
// Frame noise correlation, Noise follows camera; Shot, Take). A value holding a comma,
// colon or newline is written as a JSON string, as A1111 does. Sampler names are capitalised
// ("euler" -> "Euler"); the model hash is the hash part of the model id "<name>@<hash>".
#include <string>

#include "db/project_store.h"

namespace shotgen::render {

// Throws shotgen::Error when take.params_json is not valid render parameters.
std::string a1111_parameters(const db::TakeRecord& take);

}  // namespace shotgen::render
