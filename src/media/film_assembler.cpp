#include "media/film_assembler.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/number_text.h"
#include "media/resize.h"
#include "media/video_reader.h"

namespace shotgen::media {
namespace {

std::string cut_name(const FilmCut& cut, std::size_t index) {
  if (cut.shot_id.empty()) return "cut " + std::to_string(index + 1);
  return "shot " + cut.shot_id + " take " + std::to_string(cut.take);
}

Image blend(const Image& outgoing, const Image& incoming, double incoming_weight) {
  Image mixed(outgoing.width, outgoing.height);
  for (std::size_t i = 0; i < mixed.rgb.size(); ++i) {
    double value = (1.0 - incoming_weight) * outgoing.rgb[i] + incoming_weight * incoming.rgb[i];
    mixed.rgb[i] = static_cast<std::uint8_t>(std::lround(value));
  }
  return mixed;
}

// Delivers a take's frames at the film's rate and size, frame by frame.
class TakeFrames {
 public:
  TakeFrames(const std::filesystem::path& path, double film_fps, int width, int height)
      : path_(path), width_(width), height_(height) {
    reader_.open(path);
    const double take_fps = reader_.fps();
    step_ = take_fps > 0 ? take_fps / film_fps : 1.0;
  }

  // Film frame `index` (called with 0, 1, 2, ...).
  const Image& frame(int index) {
    // The take frame on screen at this film frame's time; the epsilon keeps exact ratios exact.
    const long wanted = static_cast<long>(std::floor(index * step_ + 1e-9));
    while (current_index_ < wanted && !ended_) advance();
    if (current_index_ < 0) advance();
    return current_;
  }

 private:
  void advance() {
    Image next;
    if (reader_.read(next)) {
      current_ = next.width == width_ && next.height == height_ ? std::move(next)
                                                                : resize_image(next, width_, height_);
      ++current_index_;
    } else if (current_index_ < 0) {
      throw Error("video has no frames", path_.string(), "render the take again");
    } else {
      ended_ = true;  // a short take holds its last frame
    }
  }

  std::filesystem::path path_;
  int width_;
  int height_;
  VideoReader reader_;
  double step_ = 1.0;
  Image current_;
  long current_index_ = -1;
  bool ended_ = false;
};

}  // namespace

FilmPlan plan_film(const std::vector<FilmCut>& cuts, double fps) {
  if (!std::isfinite(fps) || fps <= 0) {
    throw Error("invalid film frame rate " + std::to_string(fps), "film.fps", "use a positive frame rate");
  }
  FilmPlan plan;
  std::int64_t end_frame = 0;  // 64-bit: the sum of many long cuts is checked before it can wrap
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const FilmCut& cut = cuts[i];
    if (!std::isfinite(cut.duration_seconds) || cut.duration_seconds <= 0) {
      throw Error("cut duration must be positive, got " + std::to_string(cut.duration_seconds), cut_name(cut, i),
                  "give the shot a duration in seconds");
    }
    // Compared as doubles before any conversion: lround of a huge value is undefined.
    const double frames = cut.duration_seconds * fps;
    if (frames > kMaxCutFrames) {
      throw Error(ErrorKind::OutOfRange,
                  "duration " + shortest_decimal(cut.duration_seconds) + " s is more than the longest cut of " +
                      std::to_string(kMaxCutFrames) + " frames at " + shortest_decimal(fps) + " fps",
                  cut_name(cut, i), "give the shot a duration in seconds that it can really play");
    }
    PlannedCut planned;
    planned.frames = std::max(1, static_cast<int>(std::lround(frames)));
    if (i > 0 && cut.crossfade_in && cut.crossfade_seconds > 0) {
      const PlannedCut& previous = plan.cuts.back();
      const double wanted = std::min(cut.crossfade_seconds * fps, static_cast<double>(planned.frames));
      planned.crossfade_frames = std::min({static_cast<int>(std::lround(wanted)), planned.frames,
                                           previous.frames - previous.crossfade_frames});
    }
    planned.start_frame = static_cast<int>(end_frame - planned.crossfade_frames);
    end_frame += planned.frames - planned.crossfade_frames;
    if (end_frame > kMaxCutFrames) {
      throw Error(ErrorKind::OutOfRange,
                  "the film would be longer than " + std::to_string(kMaxCutFrames) + " frames at " +
                      shortest_decimal(fps) + " fps",
                  cut_name(cut, i), "shorten the shots' durations");
    }
    plan.cuts.push_back(planned);
  }
  plan.total_frames = static_cast<int>(end_frame);
  return plan;
}

void assemble_film(const std::vector<FilmCut>& cuts, const std::filesystem::path& out,
                   const EncodeOptions& options, const TransitionMixer& mix) {
  if (cuts.empty()) throw Error("no cuts to assemble", out.string(), "render and approve at least one take");
  const FilmPlan plan = plan_film(cuts, options.fps);

  int width = options.out_width;
  int height = options.out_height;
  if (width <= 0 || height <= 0) {
    VideoProbe first = probe_video(cuts.front().clip);
    if (width <= 0 && height <= 0) {
      width = first.width;
      height = first.height;
    } else if (width <= 0) {
      width = static_cast<int>(std::lround(static_cast<double>(height) * first.width / first.height));
    } else {
      height = static_cast<int>(std::lround(static_cast<double>(width) * first.height / first.width));
    }
  }
  // Blending happens at the film size, so decide the even encoded size here, not in the writer.
  width = std::max(2, width & ~1);
  height = std::max(2, height & ~1);
  EncodeOptions film_options = options;
  film_options.out_width = width;
  film_options.out_height = height;

  VideoWriter writer;
  writer.open(out, width, height, film_options);
  std::vector<Image> held;  // the previous cut's tail, waiting to be blended into this cut
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const PlannedCut& planned = plan.cuts[i];
    const int fade_out = i + 1 < cuts.size() ? plan.cuts[i + 1].crossfade_frames : 0;
    TakeFrames take(cuts[i].clip, options.fps, width, height);
    for (int k = 0; k < planned.frames; ++k) {
      const Image& frame = take.frame(k);
      if (k < planned.crossfade_frames) {
        const double incoming = static_cast<double>(k + 1) / (planned.crossfade_frames + 1);
        const Image& outgoing = held[static_cast<std::size_t>(k)];
        writer.write(mix ? mix(outgoing, frame, incoming, cuts[i]) : blend(outgoing, frame, incoming));
      } else if (k < planned.frames - fade_out) {
        writer.write(frame);
      } else {
        if (k == planned.frames - fade_out) held.clear();
        held.push_back(frame);
      }
    }
  }
  writer.finish();
}

}  // namespace shotgen::media
