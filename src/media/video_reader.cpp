#include "media/video_reader.h"

#include "core/error.h"
#include "media/ffmpeg_raii.h"

namespace shotgen::media {
namespace {

const char* const kCorruptFix = "the file is damaged or not a video: delete it and render it again";

struct OpenedInput {
  InputFormatPtr format;
  AVStream* stream = nullptr;  // the best video stream, owned by `format`
};

OpenedInput open_input(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw Error("video file not found", path.string(), "check the path, or render the take again");
  }
  quiet_ffmpeg_logs();
  AVFormatContext* raw = nullptr;
  // On failure avformat_open_input frees the context itself and leaves `raw` null.
  check(avformat_open_input(&raw, path.c_str(), nullptr, nullptr), "cannot open video", path, kCorruptFix);
  OpenedInput input;
  input.format.reset(raw);
  check(avformat_find_stream_info(input.format.get(), nullptr), "cannot read video stream info", path,
        kCorruptFix);
  int index = av_find_best_stream(input.format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  check(index, "no video stream", path, kCorruptFix);
  input.stream = input.format->streams[index];
  // A header cut short can still yield a stream, but one without codec or size.
  const AVCodecParameters* parameters = input.stream->codecpar;
  if (parameters->codec_id == AV_CODEC_ID_NONE || parameters->width <= 0 || parameters->height <= 0) {
    throw Error("video stream has no codec or size (truncated header?)", path.string(), kCorruptFix);
  }
  return input;
}

double stream_fps(const AVStream* stream) {
  if (stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0) return av_q2d(stream->avg_frame_rate);
  if (stream->r_frame_rate.num > 0 && stream->r_frame_rate.den > 0) return av_q2d(stream->r_frame_rate);
  return 0;
}

// Reads the next packet of `stream`. False at the end of the file; any read error, and any
// packet the demuxer could only read in part (a truncated file), is an Error.
bool read_packet(AVFormatContext* format, const AVStream* stream, AVPacket* packet,
                 const std::filesystem::path& path) {
  for (;;) {
    int ret = av_read_frame(format, packet);
    if (ret == AVERROR_EOF) return false;
    check(ret, "cannot read video data (truncated or corrupt file)", path, kCorruptFix);
    if (packet->stream_index != stream->index) {
      av_packet_unref(packet);
      continue;
    }
    if (packet->flags & AV_PKT_FLAG_CORRUPT) {
      av_packet_unref(packet);
      throw Error("video data is truncated or corrupt", path.string(), kCorruptFix);
    }
    return true;
  }
}

void check_frame_count(int seen, const AVStream* stream, const std::filesystem::path& path) {
  if (stream->nb_frames > 0 && seen < stream->nb_frames) {
    throw Error("video is truncated: " + std::to_string(seen) + " of " + std::to_string(stream->nb_frames) +
                    " frames present",
                path.string(), kCorruptFix);
  }
}

}  // namespace

VideoProbe probe_video(const std::filesystem::path& path) {
  OpenedInput input = open_input(path);
  const AVStream* stream = input.stream;
  VideoProbe probe;
  probe.fps = stream_fps(stream);
  probe.width = stream->codecpar->width;
  probe.height = stream->codecpar->height;
  probe.codec = avcodec_get_name(stream->codecpar->codec_id);
  if (input.format->duration != AV_NOPTS_VALUE) {
    probe.duration_seconds = static_cast<double>(input.format->duration) / AV_TIME_BASE;
  } else if (stream->duration != AV_NOPTS_VALUE) {
    probe.duration_seconds = static_cast<double>(stream->duration) * av_q2d(stream->time_base);
  }
  const AVDictionaryEntry* entry = nullptr;
  while ((entry = av_dict_get(input.format->metadata, "", entry, AV_DICT_IGNORE_SUFFIX))) {
    probe.metadata[entry->key] = entry->value;
  }

  PacketPtr packet(check_alloc(av_packet_alloc(), "packet", path));
  // Counting packets (not trusting the index) is what finds a file cut short after its header.
  while (read_packet(input.format.get(), stream, packet.get(), path)) {
    ++probe.frames;
    av_packet_unref(packet.get());
  }
  if (probe.frames == 0) throw Error("video has no frames", path.string(), kCorruptFix);
  check_frame_count(probe.frames, stream, path);
  return probe;
}

struct VideoReader::State {
  std::filesystem::path path;
  OpenedInput input;
  CodecContextPtr decoder;
  PacketPtr packet;
  FramePtr frame;
  SwsPtr scaler;
  int scaler_width = 0;
  int scaler_height = 0;
  int scaler_format = AV_PIX_FMT_NONE;
  int frames_returned = 0;
  bool finished = false;

  void convert(Image& image) {
    const AVFrame* source = frame.get();
    // A take is one size throughout; a stream whose frames change size midway (damaged, or not a
    // take) is refused rather than handed on as a clip of mixed sizes.
    if (frames_returned > 0 && (source->width != scaler_width || source->height != scaler_height))
      throw Error("video changes frame size midway (" + std::to_string(scaler_width) + "x" +
                      std::to_string(scaler_height) + " to " + std::to_string(source->width) + "x" +
                      std::to_string(source->height) + " at frame " + std::to_string(frames_returned + 1) + ")",
                  path.string(), kCorruptFix);
    // One scaler per stream (its size is fixed, above); rebuilt only if the pixel format changes midway.
    if (!scaler || source->format != scaler_format) {
      scaler.reset(sws_getContext(source->width, source->height, static_cast<AVPixelFormat>(source->format),
                                  source->width, source->height, AV_PIX_FMT_RGB24,
                                  SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
      check_alloc(scaler.get(), "scaler", path);
      scaler_width = source->width;
      scaler_height = source->height;
      scaler_format = source->format;
      // Use the matrix and range the stream is tagged with (BT.709 limited for shotgen's own
      // files); untagged streams get swscale's default, BT.601.
      const int* coefficients = sws_getCoefficients(source->colorspace);
      const int full_range = source->color_range == AVCOL_RANGE_JPEG ? 1 : 0;
      check(sws_setColorspaceDetails(scaler.get(), coefficients, full_range, coefficients, 1, 0, 1 << 16, 1 << 16),
            "cannot configure colour conversion", path);
    }
    image = Image(source->width, source->height);
    std::uint8_t* destination[1] = {image.rgb.data()};
    const int destination_stride[1] = {image.width * 3};
    sws_scale(scaler.get(), source->data, source->linesize, 0, source->height, destination, destination_stride);
  }
};

VideoReader::VideoReader() = default;
VideoReader::~VideoReader() = default;
VideoReader::VideoReader(VideoReader&&) noexcept = default;
VideoReader& VideoReader::operator=(VideoReader&&) noexcept = default;

double VideoReader::fps() const { return state_ ? stream_fps(state_->input.stream) : 0; }
int VideoReader::width() const { return state_ ? state_->decoder->width : 0; }
int VideoReader::height() const { return state_ ? state_->decoder->height : 0; }
int VideoReader::frames_declared() const {
  return state_ ? static_cast<int>(state_->input.stream->nb_frames) : 0;
}

void VideoReader::open(const std::filesystem::path& path) {
  auto state = std::make_unique<State>();
  state->path = path;
  state->input = open_input(path);
  const AVCodecParameters* parameters = state->input.stream->codecpar;
  const AVCodec* codec = avcodec_find_decoder(parameters->codec_id);
  if (!codec) {
    throw Error(std::string("no decoder for codec ") + avcodec_get_name(parameters->codec_id), path.string(),
                "re-encode the video as H.264");
  }
  state->decoder.reset(check_alloc(avcodec_alloc_context3(codec), "decoder context", path));
  check(avcodec_parameters_to_context(state->decoder.get(), parameters), "cannot set up decoder", path);
  // Report damaged bitstreams instead of concealing them: a corrupt take must not pass as good.
  state->decoder->err_recognition |= AV_EF_EXPLODE;
  state->decoder->pkt_timebase = state->input.stream->time_base;
  check(avcodec_open2(state->decoder.get(), codec, nullptr), "cannot open decoder", path);
  state->packet.reset(check_alloc(av_packet_alloc(), "packet", path));
  state->frame.reset(check_alloc(av_frame_alloc(), "frame", path));
  state_ = std::move(state);
}

bool VideoReader::read(Image& image) {
  if (!state_) throw Error("video reader is not open", "", "call open() before read()");
  State& state = *state_;
  if (state.finished) return false;
  for (;;) {
    int ret = avcodec_receive_frame(state.decoder.get(), state.frame.get());
    if (ret == 0) {
      state.convert(image);
      av_frame_unref(state.frame.get());
      ++state.frames_returned;
      return true;
    }
    if (ret == AVERROR_EOF) {
      state.finished = true;
      check_frame_count(state.frames_returned, state.input.stream, state.path);
      return false;
    }
    if (ret != AVERROR(EAGAIN)) check(ret, "cannot decode video (corrupt file)", state.path, kCorruptFix);
    // EAGAIN: the decoder needs more input. At the end of the file an empty packet flushes it,
    // after which receive_frame returns the held-back frames and then EOF (never EAGAIN again).
    if (!read_packet(state.input.format.get(), state.input.stream, state.packet.get(), state.path)) {
      check(avcodec_send_packet(state.decoder.get(), nullptr), "cannot flush decoder", state.path);
      continue;
    }
    ret = avcodec_send_packet(state.decoder.get(), state.packet.get());
    av_packet_unref(state.packet.get());
    check(ret, "cannot decode video (corrupt file)", state.path, kCorruptFix);
  }
}

Clip decode_video(const std::filesystem::path& path, int max_frames) {
  VideoReader reader;
  reader.open(path);
  Clip clip;
  Image frame;
  while ((max_frames < 0 || clip.frame_count() < max_frames) && reader.read(frame)) {
    clip.frames.push_back(std::move(frame));
  }
  if (clip.frames.empty() && max_frames != 0) {
    throw Error("video has no frames", path.string(), kCorruptFix);
  }
  return clip;
}

}  // namespace shotgen::media
