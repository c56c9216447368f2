#pragma once
// The film from its takes: the chosen take (render/take_store.h) of every active shot in story
// order, joined into one MP4 (cuts, and crossfades where a shot's transition asks for one), an
// OpenTimelineIO timeline of the same cut beside it referencing the take files, and a contact
// sheet of every shot's poster.
//
// Default output: renders/<film title slug>.mp4, with <stem>.otio and <stem>_contact_sheet.png
// in the same folder. Before anything is written every chosen take is probed; a damaged one is
// marked bad and its job queued again (take_store.h), and the shots without a usable take are
// listed in one error ("render them with `shotgen render ...`").
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "finish/finisher.h"
#include "media/film_assembler.h"

namespace shotgen::render {

struct FilmOutputs {
  std::filesystem::path film;           // the MP4
  std::filesystem::path timeline;       // the .otio
  std::filesystem::path contact_sheet;  // the PNG
  std::vector<media::FilmCut> cuts;            // story order (clip paths absolute)
  double duration_seconds = 0;
};

// "The Lantern Keeper!" → "the_lantern_keeper"; "film" when nothing is left.
std::string title_slug(const std::string& title);

// Assembles the workspace's film. `out` relative paths are relative to the current directory, as
// a user typed them; default as above. Crossfades and dips to black are mixed on `finish_device`
// (finish/finisher.h; `note` hears when there is no Vulkan device).
FilmOutputs assemble_workspace_film(const std::filesystem::path& workspace_root,
                                    const std::optional<std::filesystem::path>& out = std::nullopt,
                                    finish::FinishDevice finish_device = finish::FinishDevice::Auto,
                                    const std::function<void(const std::string&)>& note = {});

}  // namespace shotgen::render
