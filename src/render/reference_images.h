#pragma once
// The reference images a render needs, read once before anything else happens: a bad reference
// (missing, not a regular file, too large, not a PNG) stops the render with one error before the
// database changes or any model time is spent, and every job of the run shares the decoded image.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/image.h"
#include "film/film.h"

namespace shotgen::render {

// reference id -> decoded image
using ReferenceImages = std::map<std::string, Image>;

// Reads the references of `shots`: only images inside the workspace or the film's reference
// library (film::resolve_reference_image), and only regular files within read_png's limits. Throws
// shotgen::Error naming the reference and its file, keeping read_png's kind, or naming the shot
// for an undefined reference id.
ReferenceImages load_reference_images(const std::filesystem::path& workspace_root, const film::Film& film,
                                      const std::vector<const film::Shot*>& shots);

}  // namespace shotgen::render
