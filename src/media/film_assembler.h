#pragma once
// Joining the chosen take of every shot into the film.
//
// Timing (all in frames at the film's fps):
// - cut i lasts frames_i = round(duration_seconds * fps) frames (at least 1, at most
//   kMaxCutFrames, computed without overflow), taken from the start of its take; a take shorter
//   than that holds its last frame, a take at another frame rate is resampled by time (nearest
//   earlier frame);
// - a crossfade into cut i overlaps the last n_i frames of cut i-1 with the first n_i frames of
//   cut i, n_i = round(crossfade_seconds * fps), clamped so it never exceeds cut i or the part of
//   cut i-1 not already used by its own crossfade in. The overlap SHORTENS the film:
//   total_frames = sum(frames_i) - sum(n_i);
// - overlap frame k (0-based) mixes outgoing and incoming with incoming weight a = (k+1)/(n_i+1),
//   so no overlap frame repeats either clip unchanged: by default the linear blend
//   (1-a)*outgoing + a*incoming, or what the caller's TransitionMixer makes (finish/ adds the dip
//   to black and runs both on the finishing device).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "media/video_encoder.h"

namespace shotgen::media {

// The longest cut and film: 2^24 frames (194 h at 24 fps), far below where frame counts overflow.
inline constexpr int kMaxCutFrames = 1 << 24;

struct FilmCut {
  std::filesystem::path clip;      // the take's MP4
  double duration_seconds = 0;     // how long the cut plays (> 0)
  bool crossfade_in = false;       // overlap with the previous cut (a transition) instead of a hard cut
  double crossfade_seconds = 0;
  std::string shot_id;
  int take = 0;
  // What the timeline says about the take (otio.h); 0 / empty when unknown.
  int available_frames = 0;        // frames in the take file
  double media_fps = 0;            // the take file's frame rate
  std::string backend;
  std::string status;              // "approved" or "kept"
};

struct PlannedCut {
  int frames = 0;            // frames of the take this cut uses
  int crossfade_frames = 0;  // overlap with the previous cut (0: hard cut)
  int start_frame = 0;       // first film frame showing this cut (the start of its crossfade)
};

struct FilmPlan {
  std::vector<PlannedCut> cuts;
  int total_frames = 0;
};

// Overlap frame of a transition into `incoming_cut`, from two frames of the film's size.
using TransitionMixer = std::function<Image(const Image& outgoing, const Image& incoming, double incoming_weight,
                                            const FilmCut& incoming_cut)>;

// The timing above, without touching any file. Throws shotgen::Error naming the shot for a
// non-positive duration or fps, and of kind OutOfRange for a cut or film longer than kMaxCutFrames.
FilmPlan plan_film(const std::vector<FilmCut>& cuts, double fps);

// Decodes each take in order and encodes the film to `out` (H.264 MP4 through VideoWriter, so it
// appears complete or not at all) at options.fps and options.out_width x out_height (0: the
// first take's size; every take is scaled to the film size). Frames are streamed: memory holds one
// crossfade's worth of frames, not the film. Throws shotgen::Error naming the offending take or
// the output.
void assemble_film(const std::vector<FilmCut>& cuts, const std::filesystem::path& out,
                   const EncodeOptions& options, const TransitionMixer& mix = {});

}  // namespace shotgen::media
