#pragma once
// Internal to the media module: ownership of FFmpeg objects and FFmpeg error reporting.
// Every av*_alloc result lives in one of these unique_ptrs, so an exception thrown half-way
// through opening, encoding or decoding frees everything that was allocated so far.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>
}

#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/io_error.h"

namespace shotgen::media {

struct CodecContextDeleter {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct SwsDeleter {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};
// A demuxer context is opened with avformat_open_input and must be closed with its counterpart.
struct InputFormatDeleter {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
// A muxer context owns its AVIOContext only once avio_open succeeded; close that before freeing.
struct OutputFormatDeleter {
  void operator()(AVFormatContext* context) const {
    if (context->pb && !(context->oformat->flags & AVFMT_NOFILE)) avio_closep(&context->pb);
    avformat_free_context(context);
  }
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;

// FFmpeg's message for an AVERROR code ("Invalid data found when processing input").
inline std::string av_error_text(int ret) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(ret, text, sizeof text) < 0) return "FFmpeg error " + std::to_string(ret);
  return text;
}

// Turns a negative FFmpeg return code into shotgen::Error("<what>: <av_strerror>", file).
// Returns `ret` unchanged when it is not an error so calls can be wrapped inline.
// A full or failing disk is named as such (core/io_error.h), whatever the step that hit it.
inline int check(int ret, const std::string& what, const std::filesystem::path& file,
                 const std::string& fix = {}) {
  if (ret == AVERROR(ENOSPC) || ret == AVERROR(EDQUOT) || ret == AVERROR(EIO)) throw io_error(AVUNERROR(ret), what, file);
  if (ret < 0) throw Error(what + ": " + av_error_text(ret), file.string(), fix);
  return ret;
}

// Throws when an allocation returned null (FFmpeg allocators signal out-of-memory that way).
template <class T>
T* check_alloc(T* pointer, const std::string& what, const std::filesystem::path& file) {
  if (!pointer) throw Error("out of memory allocating " + what, file.string());
  return pointer;
}

// FFmpeg logs to stderr by default (x264 banners, demuxer complaints); shotgen reports every
// failure itself as one error line, so the library is silenced unless the application already
// chose a log level of its own.
inline void quiet_ffmpeg_logs() {
  if (av_log_get_level() == AV_LOG_INFO) av_log_set_level(AV_LOG_QUIET);
}

}  // namespace shotgen::media
