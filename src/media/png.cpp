#include "media/png.h"

#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/regular_file.h"

namespace shotgen::media {
namespace {

// Writing uses libpng's simplified API: it reports errors through png_image::message instead of
// longjmp, which keeps C++ objects on this stack safe. png_image_free releases whatever a failed call left.
struct PngImage {
  png_image image{};
  PngImage() { image.version = PNG_IMAGE_VERSION; }
  ~PngImage() { png_image_free(&image); }
  PngImage(const PngImage&) = delete;
  PngImage& operator=(const PngImage&) = delete;
};

// The decoded samples of a PNG: 8-bit RGB (3 channels) or RGBA (4).
struct PngDecoded {
  std::vector<std::uint8_t> samples;
  std::vector<png_bytep> rows;  // into `samples`, as png_read_image wants them
  png_uint_32 width = 0;
  png_uint_32 height = 0;
  int channels = 0;
  std::vector<PngText> text;
  ErrorKind kind = ErrorKind::Corrupt;  // of the failure in `message`
  char message[200] = "";
};

struct MemoryInput {
  const char* data;
  std::size_t size;
  std::size_t offset;
};

void read_from_memory(png_structp png, png_bytep out, png_size_t length) {
  auto* input = static_cast<MemoryInput*>(png_get_io_ptr(png));
  if (length > input->size - input->offset) png_error(png, "file is truncated");
  std::memcpy(out, input->data + input->offset, length);
  input->offset += length;
}

[[noreturn]] void on_png_error(png_structp png, png_const_charp message) {
  auto* decoded = static_cast<PngDecoded*>(png_get_error_ptr(png));
  std::snprintf(decoded->message, sizeof decoded->message, "%s", message);
  std::longjmp(png_jmpbuf(png), 1);
}

void on_png_warning(png_structp, png_const_charp) {}  // benign (e.g. unknown chunks): ignored

// Deflate's best case is 1032 bytes out per byte in, so a file shorter than its declared pixels'
// raw size / 1032 cannot hold them: it is truncated or lies about its size.
constexpr std::uint64_t kDeflateMaxRatio = 1032;

// Raw (filtered, uncompressed) bytes of a non-interlaced image: one filter byte per row. An
// interlaced image has more, so this is a lower bound either way.
std::uint64_t raw_image_bytes(png_uint_32 width, png_uint_32 height, int bit_depth, int channels) {
  const std::uint64_t row_bits = static_cast<std::uint64_t>(width) * channels * bit_depth;
  return static_cast<std::uint64_t>(height) * (1 + (row_bits + 7) / 8);
}

// The classic libpng API, because its transforms reduce 16-bit samples by plain scaling; the
// simplified API takes 16-bit files without a gAMA chunk as linear light and brightens them.
// libpng reports errors by longjmp, so this function holds no C++ object with a destructor
// between setjmp and the calls that may jump: the output lives in *decoded, owned by the caller.
bool decode_png_rgb8(const std::string& bytes, PngDecoded* decoded) {
  if (bytes.size() < 8 || png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0) {
    std::snprintf(decoded->message, sizeof decoded->message, "no PNG signature");
    return false;
  }
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoded, on_png_error, on_png_warning);
  if (!png) {
    std::snprintf(decoded->message, sizeof decoded->message, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (!info) {
    std::snprintf(decoded->message, sizeof decoded->message, "out of memory");
    png_destroy_read_struct(&png, nullptr, nullptr);
    return false;
  }
  MemoryInput input{bytes.data(), bytes.size(), 0};
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, &input, read_from_memory);
  png_read_info(png, info);
  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  // Checked before anything of the image's size is allocated.
  if (width > kMaxPngSide || height > kMaxPngSide ||
      static_cast<std::uint64_t>(width) * height > kMaxPngPixels) {
    decoded->kind = ErrorKind::TooLarge;
    std::snprintf(decoded->message, sizeof decoded->message,
                  "PNG declares %ux%u pixels, more than the limit of %u per side and %llu pixels", width, height,
                  kMaxPngSide, static_cast<unsigned long long>(kMaxPngPixels));
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  const std::uint64_t raw_bytes =
      raw_image_bytes(width, height, png_get_bit_depth(png, info), png_get_channels(png, info));
  if (bytes.size() * kDeflateMaxRatio < raw_bytes) {
    std::snprintf(decoded->message, sizeof decoded->message,
                  "PNG declares %ux%u pixels but its %zu bytes cannot hold them: truncated or damaged", width, height,
                  bytes.size());
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_expand(png);          // palette -> RGB, gray < 8 bits -> 8 bits, tRNS -> alpha
  png_set_scale_16(png);        // 16 -> 8 bits, rounded
  png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  decoded->width = width;
  decoded->height = height;
  decoded->channels = png_get_channels(png, info);
  if (decoded->channels != 3 && decoded->channels != 4) png_error(png, "unexpected channel count");
  const std::size_t row_bytes = png_get_rowbytes(png, info);
  decoded->samples.resize(row_bytes * height);
  for (png_uint_32 y = 0; y < height; ++y) decoded->rows.push_back(decoded->samples.data() + y * row_bytes);
  png_read_image(png, decoded->rows.data());
  png_read_end(png, info);  // text chunks after the image data land in `info` too
  png_textp text = nullptr;
  const int text_count = png_get_text(png, info, &text, nullptr);
  for (int i = 0; i < text_count; ++i) {
    // iTXt text is UTF-8 of itxt_length bytes, tEXt/zTXt text of text_length bytes.
    const std::size_t length = text[i].compression >= PNG_ITXT_COMPRESSION_NONE ? text[i].itxt_length
                                                                                 : text[i].text_length;
    decoded->text.push_back({text[i].key, std::string(text[i].text, length)});
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

bool is_ascii(const std::string& text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

// A keyword as the PNG specification allows it (printable, no leading/trailing/double spaces).
bool valid_keyword(const std::string& keyword) {
  if (keyword.empty() || keyword.size() > 79 || keyword.front() == ' ' || keyword.back() == ' ') return false;
  for (std::size_t i = 0; i < keyword.size(); ++i) {
    if (keyword[i] < 32 || keyword[i] > 126) return false;
    if (keyword[i] == ' ' && keyword[i + 1] == ' ') return false;
  }
  return true;
}

void append_be32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

// One chunk: length, type, data, CRC-32 of type + data.
std::string chunk(const std::string& type, const std::string& data) {
  std::string out;
  append_be32(out, static_cast<std::uint32_t>(data.size()));
  const std::string body = type + data;
  out += body;
  append_be32(out, static_cast<std::uint32_t>(
                       crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
  return out;
}

std::string text_chunk(const PngText& entry) {
  // tEXt: keyword NUL text (Latin-1, so only ASCII is safe). iTXt: keyword NUL, compression flag 0
  // and method 0, empty language tag NUL, empty translated keyword NUL, UTF-8 text.
  if (is_ascii(entry.text)) return chunk("tEXt", entry.keyword + '\0' + entry.text);
  return chunk("iTXt", entry.keyword + std::string("\0\0\0\0\0", 5) + entry.text);
}

}  // namespace

void write_png(const std::filesystem::path& path, const Image& image, const std::vector<PngText>& text) {
  if (image.width <= 0 || image.height <= 0 ||
      image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3) {
    throw Error("cannot write an empty or inconsistent image (" + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + ", " + std::to_string(image.rgb.size()) + " bytes)",
                path.string(), "this is a bug in the caller: pass a filled RGB image");
  }
  for (const auto& entry : text) {
    if (!valid_keyword(entry.keyword) || entry.text.find('\0') != std::string::npos)
      throw Error("invalid PNG text chunk '" + entry.keyword + "'", path.string(),
                  "this is a bug in the caller: use a printable ASCII keyword of 1-79 characters and text without NUL");
  }
  PngImage png;
  png.image.width = static_cast<png_uint_32>(image.width);
  png.image.height = static_cast<png_uint_32>(image.height);
  png.image.format = PNG_FORMAT_RGB;

  // First call sizes the encoded file, second one fills it; the bytes then go through the
  // atomic writer so a crash never leaves a half-written PNG under the real name.
  png_alloc_size_t size = 0;
  const int row_stride = image.width * 3;
  if (!png_image_write_to_memory(&png.image, nullptr, &size, 0, image.rgb.data(), row_stride, nullptr)) {
    throw Error(std::string("cannot encode PNG: ") + png.image.message, path.string());
  }
  std::string bytes(size, '\0');
  if (!png_image_write_to_memory(&png.image, bytes.data(), &size, 0, image.rgb.data(), row_stride,
                                 nullptr)) {
    throw Error(std::string("cannot encode PNG: ") + png.image.message, path.string());
  }
  bytes.resize(size);
  // The simplified API writes no text: the chunks go right after IHDR (8-byte signature + 25-byte IHDR).
  constexpr std::size_t kAfterHeader = 8 + 25;
  std::string chunks;
  for (const auto& entry : text) chunks += text_chunk(entry);
  bytes.insert(kAfterHeader, chunks);
  write_file_atomic(path, bytes);
}

namespace {

// Decodes the file at `path` or throws the Error read_png documents.
void decode_png_file(const std::filesystem::path& path, PngDecoded* decoded) {
  const std::string bytes = read_regular_file(path, kMaxPngFileBytes);
  if (decode_png_rgb8(bytes, decoded)) return;
  if (decoded->kind == ErrorKind::TooLarge)
    throw Error(ErrorKind::TooLarge, decoded->message, path.string(),
                "scale the image down to at most " + std::to_string(kMaxPngSide) + " pixels per side");
  throw Error(ErrorKind::Corrupt, std::string("not a readable PNG file: ") + decoded->message, path.string(),
              "replace it with a valid PNG file");
}

}  // namespace

std::vector<PngText> read_png_text(const std::filesystem::path& path) {
  PngDecoded decoded;
  decode_png_file(path, &decoded);
  return std::move(decoded.text);
}

Image read_png(const std::filesystem::path& path) {
  PngDecoded decoded;
  decode_png_file(path, &decoded);
  Image image(static_cast<int>(decoded.width), static_cast<int>(decoded.height));
  const std::size_t pixels = static_cast<std::size_t>(image.width) * image.height;
  if (decoded.channels == 3) {
    image.rgb = std::move(decoded.samples);
  } else {
    // Composite over black: premultiplying by alpha is exactly that.
    for (std::size_t i = 0; i < pixels; ++i) {
      const unsigned alpha = decoded.samples[i * 4 + 3];
      for (int c = 0; c < 3; ++c) {
        image.rgb[i * 3 + c] = static_cast<std::uint8_t>((decoded.samples[i * 4 + c] * alpha + 127) / 255);
      }
    }
  }
  return image;
}

void write_frame_pngs(const std::filesystem::path& dir, const Clip& clip) {
  std::filesystem::create_directories(dir);
  for (int i = 0; i < clip.frame_count(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%04d.png", i);
    write_png(dir / name, clip.frames[static_cast<std::size_t>(i)]);
  }
}

}  // namespace shotgen::media
