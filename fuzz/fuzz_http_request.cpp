// The review server's own handling of a request (src/serve; the HTTP parsing itself is the
// cpp-httplib package's): who may ask (check_access), which file /files/<path> hands out
// (resolve_served_file), a Range request's byte ranges (fit_ranges) and a POST body (parse_body).
// Input: method, Host, X-Shotgen-Token, ?token=, the /files/ path and the body, one per line; the
// bytes after the sixth newline are the ranges (pairs of little-endian int64). Whatever the bytes:
// a refusal is an ApiError with a 4xx status, never a crash, and
//   - a change (POST) passes only with the right token in the header; any method but GET, HEAD and
//     POST is refused; a server not bound to loopback wants the token on every request;
//   - a served file is a regular file inside renders/ or references/ of the workspace, even through
//     the fixture's symlinks that lead out of it;
//   - fitted ranges lie inside the file, first <= last.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/path_within.h"
#include "serve/access.h"
#include "serve/api_error.h"
#include "serve/byte_ranges.h"
#include "serve/request_body.h"
#include "serve/workspace_files.h"

namespace fs = std::filesystem;
using namespace shotgen::serve;

namespace {

constexpr std::string_view kToken = "0123456789abcdef0123456789abcdef";

void write(const fs::path& path, std::string_view bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// A workspace with what the server must hand out and what it must not, made once per process
// under $TMPDIR (libFuzzer ends a run with _Exit, so no exit handler could remove it; scripts/fuzz.sh
// points TMPDIR into build-fuzz/ and empties it first).
const fs::path& workspace() {
  static const fs::path root = [] {
    std::string folder = (fs::temp_directory_path() / "shotgen-fuzz-http-XXXXXX").string();
    if (!mkdtemp(folder.data())) std::abort();
    const fs::path r = fs::canonical(folder);
    write(r / "film.toml", "title = \"secret\"\n");
    write(r / "shotgen.db", "SQLite format 3");
    write(r / "renders" / "takes" / "s01" / "take_1.mp4", std::string(1000, 'v'));
    write(r / "renders" / ".take_2.mp4.tmp-1", "partial");
    write(r / "references" / "ref.png", "png");
    fs::create_directory_symlink(r, r / "renders" / "up");                         // leads to the root
    fs::create_symlink(r / "film.toml", r / "renders" / "film_link.mp4");           // a file outside
    fs::create_directory_symlink(r / "references", r / "renders" / "refs");         // inside: fine
    return r;
  }();
  return root;
}

void check_access_rules(const std::vector<std::string>& field) {
  AccessRequest request{field[0], field[1], std::nullopt, std::nullopt};
  if (!field[2].empty()) request.header_token = field[2];
  if (!field[3].empty()) request.query_token = field[3];
  const bool header_ok = request.header_token == kToken, query_ok = request.query_token == kToken;
  const bool read = request.method == "GET" || request.method == "HEAD";
  for (const bool loopback : {true, false}) {
    const AccessPolicy policy = access_policy(loopback ? "127.0.0.1" : "192.0.2.1", 8642, std::string(kToken));
    const std::optional<ApiError> refusal = check_access(policy, request);
    if (refusal && (refusal->status() < 400 || refusal->status() > 499)) std::abort();
    if (refusal) continue;
    if (!read && request.method != "POST") std::abort();
    if (request.method == "POST" && !header_ok) std::abort();
    if (!loopback && !header_ok && !(read && query_ok)) std::abort();
    if (loopback && request.host != "127.0.0.1:8642" && request.host != "localhost:8642" &&
        request.host != "[::1]:8642")
      std::abort();
  }
}

void check_served_file(const std::string& relative) {
  const fs::path& root = workspace();
  try {
    const ServedFile file = resolve_served_file(root, relative);
    if (!shotgen::is_within(file.path, root / "renders") && !shotgen::is_within(file.path, root / "references"))
      std::abort();
    if (!fs::is_regular_file(file.path) || file.size != fs::file_size(file.path)) std::abort();
    if (file.path.filename().string().front() == '.') std::abort();
  } catch (const ApiError& e) {
    if (e.status() < 400 || e.status() > 499) std::abort();
  }
}

void check_ranges(const std::uint8_t* data, std::size_t size) {
  ByteRanges ranges;
  for (std::size_t at = 0; at + 16 <= size && ranges.size() < 64; at += 16) {
    std::int64_t first = 0, last = 0;
    std::memcpy(&first, data + at, 8);
    std::memcpy(&last, data + at + 8, 8);
    ranges.emplace_back(first, last);
  }
  const std::uintmax_t file_size = size % 2000;  // the empty file too
  const bool any = fit_ranges(ranges, file_size);
  if (any == ranges.empty()) std::abort();
  for (const auto& [first, last] : ranges)
    if (first < 0 || first > last || static_cast<std::uintmax_t>(last) >= file_size) std::abort();
}

void check_body(std::string_view body) {
  try {
    if (!parse_body(body).is_object()) std::abort();
  } catch (const ApiError& e) {
    if (e.status() != 400) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> field;
  std::size_t begin = 0;
  while (field.size() < 6) {
    const std::size_t end = std::min(input.find('\n', begin), input.size());
    field.emplace_back(input.substr(std::min(begin, input.size()), end - std::min(begin, input.size())));
    begin = end + 1;
  }
  check_access_rules(field);
  check_served_file(field[4]);
  check_body(field[5]);
  if (begin < size) check_ranges(data + begin, size - begin);
  return 0;
}
