#pragma once
// The film's edit as an OpenTimelineIO timeline (.otio JSON), so the cut opens in an editing
// application with the take files as its media.
#include <filesystem>
#include <string>
#include <vector>

#include "media/film_assembler.h"

namespace shotgen::media {

// One video track with a Clip.1 per cut (an ExternalReference.1 to the take: absolute paths as
// file:// URLs, relative paths kept relative; its available_range is the take's available_frames
// at its media_fps, null when unknown; clip metadata "shotgen": shot_id, take, and backend and
// status when known) and an SMPTE_Dissolve Transition.1 per crossfade.
// Clip.1 rather than Clip.2: every OTIO version reads it (newer ones upgrade it on load).
// Times are RationalTime.1 values at `fps`, following plan_film(): a crossfade of n frames sits
// on the cut point with in_offset floor(n/2) and out_offset n - floor(n/2); the frames under it
// are the clips' handles, so the track's length equals the assembled film's.
std::string otio_timeline_json(const std::string& title, double fps, const std::vector<FilmCut>& cuts);

// Writes otio_timeline_json() to `path` atomically.
void write_otio(const std::filesystem::path& path, const std::string& title, double fps,
                const std::vector<FilmCut>& cuts);

}  // namespace shotgen::media
