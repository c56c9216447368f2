#pragma once
// Everything `shotgen lint` checks of a film, in one place, so that what lint rejects is what
// sync and render refuse: the film itself (prompt::lint_film), its routing on the known
// backends (lint_routing) and its finishing (finish::check_finish: LUT files that are missing,
// malformed or of a wrong size, a palette lock without a known palette, a letterbox without aspect).
#include <filesystem>
#include <vector>

#include "film/film.h"
#include "prompt/backend_caps.h"
#include "prompt/lint.h"

namespace shotgen::render {

prompt::LintReport lint_project(const film::Film& film, const std::filesystem::path& workspace_root,
                                const std::vector<prompt::BackendCaps>& known, const prompt::LintOptions& options = {});

// Throws the first error lint_project finds as a shotgen::Error (kind: its lint code; the fix
// says how many more there are). Sync and render call it before they write anything.
void require_lint_clean(const film::Film& film, const std::filesystem::path& workspace_root,
                        const std::vector<prompt::BackendCaps>& known);

}  // namespace shotgen::render
