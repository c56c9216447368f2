#include "media/mp4_retag.h"

#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "media/ffmpeg_raii.h"

namespace shotgen::media {

namespace {

// Like media::check, with a kind: what the input cannot deliver is Corrupt, what the output
// cannot take is Io.
int check_kind(int ret, ErrorKind kind, const std::string& what, const std::filesystem::path& file) {
  if (ret < 0) throw Error(kind, what + ": " + av_error_text(ret), file.string());
  return ret;
}

// The temporary output, removed unless committed.
struct TempOutput {
  std::filesystem::path temp;
  OutputFormatPtr format;
  bool committed = false;
  ~TempOutput() {
    format.reset();  // closes the file first
    if (!committed) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
    }
  }
};

}  // namespace

void copy_mp4_with_tags(const std::filesystem::path& in, const std::filesystem::path& out,
                        const std::map<std::string, std::string>& tags) {
  quiet_ffmpeg_logs();
  AVFormatContext* raw_input = nullptr;
  check_kind(avformat_open_input(&raw_input, in.c_str(), nullptr, nullptr), ErrorKind::Corrupt, "cannot open video",
             in);
  InputFormatPtr input(raw_input);
  check_kind(avformat_find_stream_info(input.get(), nullptr), ErrorKind::Corrupt, "cannot read video streams", in);

  TempOutput output;
  output.temp = temp_path_for(out);
  AVFormatContext* raw_output = nullptr;
  check_kind(avformat_alloc_output_context2(&raw_output, nullptr, "mp4", output.temp.c_str()), ErrorKind::Io,
             "cannot set up MP4 muxer", out);
  output.format.reset(raw_output);

  // Input stream i goes to output stream map[i] (-1: dropped, e.g. a data stream MP4 cannot hold).
  std::vector<int> map(input->nb_streams, -1);
  int streams = 0;
  for (unsigned i = 0; i < input->nb_streams; ++i) {
    const AVStream* source = input->streams[i];
    const auto type = source->codecpar->codec_type;
    if (type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_AUDIO) continue;
    AVStream* target = check_alloc(avformat_new_stream(output.format.get(), nullptr), "stream", out);
    check_kind(avcodec_parameters_copy(target->codecpar, source->codecpar), ErrorKind::Io,
               "cannot copy stream parameters", out);
    target->codecpar->codec_tag = 0;  // let the MP4 muxer choose
    target->time_base = source->time_base;
    target->avg_frame_rate = source->avg_frame_rate;
    target->r_frame_rate = source->r_frame_rate;
    av_dict_copy(&target->metadata, source->metadata, 0);
    map[i] = streams++;
  }
  if (streams == 0) throw Error(ErrorKind::Corrupt, "holds no video stream", in.string());
  for (const auto& [key, value] : tags)
    check_kind(av_dict_set(&output.format->metadata, key.c_str(), value.c_str(), 0), ErrorKind::Io,
               "cannot set metadata", out);

  check_kind(avio_open(&output.format->pb, output.temp.c_str(), AVIO_FLAG_WRITE), ErrorKind::Io,
             "cannot create video file " + output.temp.filename().string(), out);
  AVDictionary* muxer_options = nullptr;
  av_dict_set(&muxer_options, "movflags", "+faststart+use_metadata_tags", 0);
  const int header = avformat_write_header(output.format.get(), &muxer_options);
  av_dict_free(&muxer_options);
  check_kind(header, ErrorKind::Io, "cannot write MP4 header", out);

  PacketPtr packet(check_alloc(av_packet_alloc(), "packet", out));
  for (;;) {
    const int ret = av_read_frame(input.get(), packet.get());
    if (ret == AVERROR_EOF) break;
    check_kind(ret, ErrorKind::Corrupt, "cannot read video packet", in);
    const int target = packet->stream_index < static_cast<int>(map.size()) ? map[packet->stream_index] : -1;
    if (target < 0) {
      av_packet_unref(packet.get());
      continue;
    }
    av_packet_rescale_ts(packet.get(), input->streams[packet->stream_index]->time_base,
                         output.format->streams[target]->time_base);
    packet->stream_index = target;
    packet->pos = -1;
    check_kind(av_interleaved_write_frame(output.format.get(), packet.get()), ErrorKind::Io,
               "cannot write video packet", out);
  }
  check_kind(av_write_trailer(output.format.get()), ErrorKind::Io, "cannot finish MP4 file", out);
  check_kind(avio_closep(&output.format->pb), ErrorKind::Io, "cannot finish MP4 file", out);
  commit_temp_file(output.temp, out);
  output.committed = true;
}

}  // namespace shotgen::media
