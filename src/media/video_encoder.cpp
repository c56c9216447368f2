#include "media/video_encoder.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/atomic_file.h"
#include "core/error.h"
#include "media/ffmpeg_raii.h"

extern "C" {
#include <libavutil/opt.h>
}

namespace shotgen::media {
namespace {

// The frame rate as an exact rational. The NTSC family (23.976, 29.97, 59.94 ...) is really
// N*1000/1001; writing 2997/125 instead would drift from every other tool's timing.
AVRational frame_rate_of(double fps) {
  for (int base : {24, 30, 48, 60, 120}) {
    if (std::abs(fps - base * 1000.0 / 1001.0) < 0.002) return AVRational{base * 1000, 1001};
  }
  return av_d2q(fps, 1001000);
}

// Output size: the requested one (or the input's), with a missing side following the input's
// aspect ratio, rounded down to even because yuv420p stores chroma per 2x2 block.
std::pair<int, int> output_size(int in_width, int in_height, const EncodeOptions& options) {
  int width = options.out_width;
  int height = options.out_height;
  if (width <= 0 && height <= 0) {
    width = in_width;
    height = in_height;
  } else if (width <= 0) {
    width = static_cast<int>(std::lround(static_cast<double>(height) * in_width / in_height));
  } else if (height <= 0) {
    height = static_cast<int>(std::lround(static_cast<double>(width) * in_height / in_width));
  }
  return {std::max(2, width & ~1), std::max(2, height & ~1)};
}

const AVCodec* find_h264_encoder() {
  if (const AVCodec* x264 = avcodec_find_encoder_by_name("libx264")) return x264;
  return avcodec_find_encoder(AV_CODEC_ID_H264);
}

}  // namespace

struct VideoWriter::State {
  std::filesystem::path path;
  std::filesystem::path temp;
  OutputFormatPtr format;
  CodecContextPtr codec;
  AVStream* stream = nullptr;  // owned by `format`
  SwsPtr scaler;
  FramePtr frame;
  PacketPtr packet;
  int in_width = 0;
  int in_height = 0;
  std::int64_t next_pts = 0;  // in codec time base = one frame
  bool temp_created = false;
  bool committed = false;

  ~State() {
    if (committed) return;
    // Close the file before unlinking it; everything allocated is freed by the unique_ptrs.
    packet.reset();
    frame.reset();
    codec.reset();
    format.reset();
    if (temp_created) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
    }
  }

  // Sends one frame (nullptr = end of stream) and writes every packet the encoder has ready.
  void encode(const AVFrame* input) {
    check(avcodec_send_frame(codec.get(), input), "cannot encode video frame", path);
    for (;;) {
      int ret = avcodec_receive_packet(codec.get(), packet.get());
      // EAGAIN: the encoder wants more input (lookahead, B-frames); EOF: fully drained.
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      check(ret, "cannot encode video frame", path);
      // Every frame lasts one tick of the codec time base; the muxer needs the last packet's
      // duration to give the file its full length (frames / fps), not one frame less.
      if (packet->duration <= 0) packet->duration = 1;
      // The muxer may pick its own stream time base (MP4 uses a finer timescale) in
      // avformat_write_header, so timestamps are converted explicitly.
      av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      // Takes ownership of the packet's data and resets `packet` for the next round.
      check(av_interleaved_write_frame(format.get(), packet.get()), "cannot write video data", path,
            "check free disk space and that the folder is writable");
    }
  }
};

VideoWriter::VideoWriter() = default;
VideoWriter::~VideoWriter() = default;
VideoWriter::VideoWriter(VideoWriter&&) noexcept = default;
VideoWriter& VideoWriter::operator=(VideoWriter&&) noexcept = default;

bool VideoWriter::is_open() const { return state_ != nullptr; }
int VideoWriter::frames_written() const { return state_ ? static_cast<int>(state_->next_pts) : 0; }
int VideoWriter::output_width() const { return state_ ? state_->codec->width : 0; }
int VideoWriter::output_height() const { return state_ ? state_->codec->height : 0; }

namespace {

void check_encode_request(const std::filesystem::path& path, int width, int height, const EncodeOptions& options) {
  if (width <= 0 || height <= 0) {
    throw Error("cannot encode frames of size " + std::to_string(width) + "x" + std::to_string(height),
                path.string(), "frames need a positive width and height");
  }
  if (!std::isfinite(options.fps) || options.fps <= 0 || options.fps > 1000) {
    throw Error("invalid frame rate " + std::to_string(options.fps), path.string(),
                "use a frame rate between 0 and 1000 fps (e.g. 24)");
  }
  if (options.crf < 0 || options.crf > 51) {
    throw Error("invalid crf " + std::to_string(options.crf), path.string(), "use a crf from 0 to 51");
  }
}

// The H.264 encoder for frames of the output size, opened, its parameters copied to `stream`.
CodecContextPtr open_encoder(const AVCodec* encoder, int out_width, int out_height, bool global_header,
                             const EncodeOptions& options, AVStream* stream, const std::filesystem::path& path) {
  CodecContextPtr context(check_alloc(avcodec_alloc_context3(encoder), "encoder context", path));
  const AVRational frame_rate = frame_rate_of(options.fps);
  AVCodecContext* codec = context.get();
  codec->width = out_width;
  codec->height = out_height;
  codec->pix_fmt = AV_PIX_FMT_YUV420P;
  codec->time_base = av_inv_q(frame_rate);  // one tick per frame
  codec->framerate = frame_rate;
  // Tag what the scaler produces (make_scaler), so players convert back with the same matrix.
  codec->colorspace = AVCOL_SPC_BT709;
  codec->color_primaries = AVCOL_PRI_BT709;
  codec->color_trc = AVCOL_TRC_BT709;
  codec->color_range = AVCOL_RANGE_MPEG;
  // MP4 keeps SPS/PPS in the sample description (avcC), not in the stream.
  if (global_header) codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  const bool is_x264 = std::string_view(encoder->name) == "libx264";
  if (is_x264) {
    check(av_opt_set(codec->priv_data, "preset", options.preset.c_str(), 0), "cannot set x264 preset", path);
    check(av_opt_set(codec->priv_data, "crf", std::to_string(options.crf).c_str(), 0),
          "cannot set x264 crf", path);
  }
  check(avcodec_open2(codec, encoder, nullptr),
        std::string("cannot open H.264 encoder ") + encoder->name +
            (is_x264 ? " (preset '" + options.preset + "', crf " + std::to_string(options.crf) + ")" : ""),
        path, "use a libx264 preset: ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow");
  check(avcodec_parameters_from_context(stream->codecpar, codec), "cannot set stream parameters", path);
  stream->time_base = codec->time_base;  // a hint; the muxer may refine it
  stream->avg_frame_rate = frame_rate;
  return context;
}

// RGB24 frames of the input size → yuv420p of the output size.
SwsPtr make_scaler(int width, int height, int out_width, int out_height, const std::filesystem::path& path) {
  SwsPtr scaler(sws_getContext(width, height, AV_PIX_FMT_RGB24, out_width, out_height, AV_PIX_FMT_YUV420P,
                               SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
  check_alloc(scaler.get(), "scaler", path);
  // RGB is full range; the H.264 stream is BT.709 limited range, as the encoder is tagged.
  const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
  check(sws_setColorspaceDetails(scaler.get(), bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16),
        "cannot configure colour conversion", path);
  return scaler;
}

}  // namespace

void VideoWriter::open(const std::filesystem::path& path, int width, int height,
                       const EncodeOptions& options) {
  if (state_) throw Error("video writer is already open", path.string(), "call finish() first");
  check_encode_request(path, width, height, options);
  quiet_ffmpeg_logs();

  auto state = std::make_unique<State>();
  state->path = path;
  state->temp = temp_path_for(path);
  state->in_width = width;
  state->in_height = height;

  // The format is named explicitly: the temporary file's extension ("tmp-<pid>") says nothing.
  AVFormatContext* raw_format = nullptr;
  check(avformat_alloc_output_context2(&raw_format, nullptr, "mp4", state->temp.c_str()),
        "cannot set up MP4 muxer", path);
  state->format.reset(raw_format);

  const AVCodec* encoder = find_h264_encoder();
  if (!encoder) {
    throw Error("no H.264 encoder in this FFmpeg build", path.string(),
                "install FFmpeg with libx264 (Debian: libavcodec59 from the main archive)");
  }
  state->stream = check_alloc(avformat_new_stream(state->format.get(), nullptr), "video stream", path);
  const auto [out_width, out_height] = output_size(width, height, options);
  state->codec = open_encoder(encoder, out_width, out_height, state->format->oformat->flags & AVFMT_GLOBALHEADER,
                              options, state->stream, path);
  for (const auto& [key, value] : options.metadata) {
    check(av_dict_set(&state->format->metadata, key.c_str(), value.c_str(), 0), "cannot set metadata", path);
  }
  state->scaler = make_scaler(width, height, out_width, out_height, path);

  state->frame.reset(check_alloc(av_frame_alloc(), "frame", path));
  state->frame->format = AV_PIX_FMT_YUV420P;
  state->frame->width = out_width;
  state->frame->height = out_height;
  check(av_frame_get_buffer(state->frame.get(), 0), "cannot allocate frame", path);
  state->packet.reset(check_alloc(av_packet_alloc(), "packet", path));

  check(avio_open(&state->format->pb, state->temp.c_str(), AVIO_FLAG_WRITE),
        "cannot create video file " + state->temp.filename().string(), path,
        "check that the folder exists and is writable");
  state->temp_created = true;

  // faststart: moov before mdat, so a player can start before the whole file arrived.
  // use_metadata_tags: without it MP4 keeps only the iTunes tag set and drops shotgen_* keys.
  AVDictionary* muxer_options = nullptr;
  av_dict_set(&muxer_options, "movflags", "+faststart+use_metadata_tags", 0);
  int ret = avformat_write_header(state->format.get(), &muxer_options);
  av_dict_free(&muxer_options);
  check(ret, "cannot write MP4 header", path, "check free disk space and that the folder is writable");

  state_ = std::move(state);
}

void VideoWriter::write(const Image& image) {
  if (!state_) throw Error("video writer is not open", "", "call open() before write()");
  State& state = *state_;
  if (image.width != state.in_width || image.height != state.in_height ||
      image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3) {
    throw Error("frame " + std::to_string(state.next_pts) + " is " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + ", expected " + std::to_string(state.in_width) + "x" +
                    std::to_string(state.in_height),
                state.path.string(), "every frame of a video must have the same size");
  }
  try {
    // The encoder may still reference the previous frame's buffers (lookahead).
    check(av_frame_make_writable(state.frame.get()), "cannot prepare frame", state.path);
    const std::uint8_t* source[1] = {image.rgb.data()};
    const int source_stride[1] = {image.width * 3};
    sws_scale(state.scaler.get(), source, source_stride, 0, image.height, state.frame->data,
              state.frame->linesize);
    state.frame->pts = state.next_pts;
    state.encode(state.frame.get());
    ++state.next_pts;
  } catch (...) {
    state_.reset();  // removes the temporary file
    throw;
  }
}

void VideoWriter::finish() {
  if (!state_) throw Error("video writer is not open", "", "call open() before finish()");
  State& state = *state_;
  try {
    if (state.next_pts == 0) {
      throw Error("no frames to encode", state.path.string(), "a video needs at least one frame");
    }
    state.encode(nullptr);  // drain the frames the encoder still holds
    check(av_write_trailer(state.format.get()), "cannot finish MP4 file", state.path,
          "check free disk space and that the folder is writable");
    // Closing flushes the last buffered bytes: a full disk may only show up here.
    check(avio_closep(&state.format->pb), "cannot finish MP4 file", state.path,
          "check free disk space and that the folder is writable");
    commit_temp_file(state.temp, state.path);
    state.committed = true;
  } catch (...) {
    state_.reset();
    throw;
  }
  state_.reset();
}

void encode_mp4(const std::filesystem::path& out, const Clip& clip, const EncodeOptions& options) {
  if (clip.frames.empty()) {
    throw Error("cannot encode an empty clip", out.string(), "a video needs at least one frame");
  }
  VideoWriter writer;
  writer.open(out, clip.width(), clip.height(), options);
  for (const Image& frame : clip.frames) writer.write(frame);
  writer.finish();
}

}  // namespace shotgen::media
