#include "media/otio.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace shotgen::media {
namespace {

using nlohmann::json;

json rational_time(double frames, double fps) {
  return {{"OTIO_SCHEMA", "RationalTime.1"}, {"rate", fps}, {"value", frames}};
}

json time_range(double start_frames, double duration_frames, double fps) {
  return {{"OTIO_SCHEMA", "TimeRange.1"},
          {"start_time", rational_time(start_frames, fps)},
          {"duration", rational_time(duration_frames, fps)}};
}

// RFC 8089 file URL: bytes outside the unreserved set (and '/') are percent-encoded, so
// spaces and non-ASCII shot names survive.
std::string file_url(const std::filesystem::path& absolute) {
  static const char* const hex = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : absolute.generic_string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += hex[c >> 4];
      url += hex[c & 15];
    }
  }
  return url;
}

std::string target_url(const std::filesystem::path& clip) {
  return clip.is_absolute() ? file_url(clip.lexically_normal()) : clip.generic_string();
}

}  // namespace

std::string otio_timeline_json(const std::string& title, double fps, const std::vector<FilmCut>& cuts) {
  const FilmPlan plan = plan_film(cuts, fps);
  json children = json::array();
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const FilmCut& cut = cuts[i];
    const PlannedCut& planned = plan.cuts[i];
    // Frames of this take that belong to the transitions on either side, as handles.
    const int head = planned.crossfade_frames / 2;
    const int next_fade = i + 1 < cuts.size() ? plan.cuts[i + 1].crossfade_frames : 0;
    const int tail = next_fade - next_fade / 2;
    if (planned.crossfade_frames > 0) {
      children.push_back({{"OTIO_SCHEMA", "Transition.1"},
                          {"name", "crossfade"},
                          {"metadata", json::object()},
                          {"transition_type", "SMPTE_Dissolve"},
                          {"in_offset", rational_time(head, fps)},
                          {"out_offset", rational_time(planned.crossfade_frames - head, fps)}});
    }
    const std::string name = cut.shot_id.empty() ? cut.clip.stem().string()
                                                 : cut.shot_id + " take " + std::to_string(cut.take);
    json shotgen = {{"shot_id", cut.shot_id}, {"take", cut.take}};
    if (!cut.backend.empty()) shotgen["backend"] = cut.backend;
    if (!cut.status.empty()) shotgen["status"] = cut.status;
    const double media_fps = cut.media_fps > 0 ? cut.media_fps : fps;
    children.push_back(
        {{"OTIO_SCHEMA", "Clip.1"},
         {"name", name},
         {"metadata", {{"shotgen", shotgen}}},
         {"source_range", time_range(head, planned.frames - head - tail, fps)},
         {"effects", json::array()},
         {"markers", json::array()},
         {"media_reference",
          {{"OTIO_SCHEMA", "ExternalReference.1"},
           {"name", cut.clip.filename().string()},
           {"metadata", json::object()},
           {"available_range",
            cut.available_frames > 0 ? time_range(0, cut.available_frames, media_fps) : json(nullptr)},
           {"target_url", target_url(cut.clip)}}}});
  }
  json track = {{"OTIO_SCHEMA", "Track.1"},
                {"name", "Video 1"},
                {"metadata", json::object()},
                {"source_range", nullptr},
                {"effects", json::array()},
                {"markers", json::array()},
                {"kind", "Video"},
                {"children", std::move(children)}};
  json timeline = {{"OTIO_SCHEMA", "Timeline.1"},
                   {"name", title},
                   {"metadata", json::object()},
                   {"global_start_time", nullptr},
                   {"tracks",
                    {{"OTIO_SCHEMA", "Stack.1"},
                     {"name", "tracks"},
                     {"metadata", json::object()},
                     {"source_range", nullptr},
                     {"effects", json::array()},
                     {"markers", json::array()},
                     {"children", json::array({std::move(track)})}}}};
  return timeline.dump(4) + "\n";
}

void write_otio(const std::filesystem::path& path, const std::string& title, double fps,
                const std::vector<FilmCut>& cuts) {
  write_file_atomic(path, otio_timeline_json(title, fps, cuts));
}

}  // namespace shotgen::media
