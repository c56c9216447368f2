#include "finish/cube_lut.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "core/error.h"

namespace shotgen::finish {
namespace {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

std::vector<std::string_view> tokens_of(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

std::optional<float> number_of(std::string_view token) {
  float value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

class CubeParser {
 public:
  explicit CubeParser(std::string source_name) : source_(std::move(source_name)) {}

  CubeLut parse(std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++line_;
      line(trimmed(text.substr(start, end - start)));
      if (end == text.size()) break;
      start = end + 1;
    }
    if (lut_.size == 0)
      fail("malformed-lut", "no LUT_3D_SIZE line", "a 3D .cube file names its size, e.g. LUT_3D_SIZE 33");
    const std::size_t wanted = expected_values();
    if (lut_.table.size() != wanted)
      fail("lut-wrong-size",
           "the file ends after " + std::to_string(lut_.table.size() / 3) + " data lines, LUT_3D_SIZE " +
               std::to_string(lut_.size) + " needs " + std::to_string(wanted / 3),
           "export the LUT again; the file may be truncated");
    return std::move(lut_);
  }

 private:
  // Every problem of a .cube file is content that cannot be used: kind Corrupt, `code` for lint.
  [[noreturn]] void fail(const std::string& code, const std::string& what, const std::string& fix) const {
    throw Error(Problem{what, source_ + ":" + std::to_string(line_), fix, ErrorKind::Corrupt, code});
  }

  std::size_t expected_values() const { return 3 * static_cast<std::size_t>(lut_.size) * lut_.size * lut_.size; }

  void line(std::string_view text) {
    if (text.empty() || text.front() == '#') return;
    const auto tokens = tokens_of(text);
    const std::string_view keyword = tokens.front();
    const bool is_keyword = (keyword.front() >= 'A' && keyword.front() <= 'Z') || (keyword.front() >= 'a' && keyword.front() <= 'z');
    if (!is_keyword) return data(tokens);
    if (!lut_.table.empty())
      fail("malformed-lut", "keyword '" + std::string(keyword) + "' after the data lines began",
           "put TITLE, LUT_3D_SIZE and DOMAIN_* before the first data line");
    if (keyword == "TITLE") {
      lut_.title = std::string(trimmed(text.substr(5)));
      if (lut_.title.size() >= 2 && lut_.title.front() == '"' && lut_.title.back() == '"')
        lut_.title = lut_.title.substr(1, lut_.title.size() - 2);
    } else if (keyword == "LUT_3D_SIZE") {
      size(tokens);
    } else if (keyword == "LUT_1D_SIZE") {
      fail("lut-wrong-size", "a 1D LUT (LUT_1D_SIZE): the grade needs a 3D LUT",
           "export a 3D LUT (LUT_3D_SIZE 17, 33 or 65)");
    } else if (keyword == "DOMAIN_MIN" || keyword == "DOMAIN_MAX") {
      const auto values = numbers(tokens, 3, std::string(keyword) + " R G B");
      auto& domain = keyword == "DOMAIN_MIN" ? lut_.domain_min : lut_.domain_max;
      for (int c = 0; c < 3; ++c) domain[c] = values[c];
      check_domain();
    } else if (keyword == "LUT_3D_INPUT_RANGE") {
      const auto values = numbers(tokens, 2, "LUT_3D_INPUT_RANGE MIN MAX");
      lut_.domain_min = {values[0], values[0], values[0]};
      lut_.domain_max = {values[1], values[1], values[1]};
      check_domain();
    } else {
      fail("malformed-lut", "unknown keyword '" + std::string(keyword) + "'",
           "a .cube file has TITLE, LUT_3D_SIZE, DOMAIN_MIN, DOMAIN_MAX, comments (#) and \"R G B\" lines");
    }
  }

  void size(const std::vector<std::string_view>& tokens) {
    if (lut_.size != 0) fail("malformed-lut", "a second LUT_3D_SIZE line", "keep one");
    int value = 0;
    const auto [end, ec] =
        tokens.size() == 2 ? std::from_chars(tokens[1].data(), tokens[1].data() + tokens[1].size(), value)
                           : std::from_chars_result{nullptr, std::errc::invalid_argument};
    if (ec != std::errc() || end != tokens[1].data() + tokens[1].size())
      fail("malformed-lut", "LUT_3D_SIZE needs one whole number", "e.g. LUT_3D_SIZE 33");
    if (value < kMinCubeSize || value > kMaxCubeSize)
      fail("lut-wrong-size", "LUT_3D_SIZE " + std::to_string(value) + " is outside " + std::to_string(kMinCubeSize) +
                                 ".." + std::to_string(kMaxCubeSize),
           "export the LUT at size 17, 33 or 65");
    lut_.size = value;
    lut_.table.reserve(expected_values());
  }

  std::vector<float> numbers(const std::vector<std::string_view>& tokens, std::size_t count, const std::string& form) const {
    if (tokens.size() != count + 1)
      fail("malformed-lut", "expected " + form + ", got " + std::to_string(tokens.size() - 1) + " value(s)", "write " + form);
    std::vector<float> values;
    for (std::size_t i = 1; i < tokens.size(); ++i) {
      const auto value = number_of(tokens[i]);
      if (!value) fail("malformed-lut", "'" + std::string(tokens[i]) + "' is not a finite number", "write " + form);
      values.push_back(*value);
    }
    return values;
  }

  void check_domain() const {
    for (int c = 0; c < 3; ++c)
      if (!(lut_.domain_min[c] < lut_.domain_max[c]))
        fail("malformed-lut", "the domain is empty: its minimum is not below its maximum",
             "DOMAIN_MIN must be below DOMAIN_MAX in every channel, e.g. 0 0 0 and 1 1 1");
  }

  void data(const std::vector<std::string_view>& tokens) {
    if (lut_.size == 0)
      fail("malformed-lut", "data before LUT_3D_SIZE", "put LUT_3D_SIZE N before the first \"R G B\" line");
    if (tokens.size() != 3) {
      std::string got;
      for (const auto& token : tokens) got += (got.empty() ? "" : " ") + std::string(token);
      fail("malformed-lut", "expected three numbers \"R G B\", got '" + got + "'", "one colour per line: R G B");
    }
    if (lut_.table.size() == expected_values())
      fail("lut-wrong-size",
           "more data lines than LUT_3D_SIZE " + std::to_string(lut_.size) + " allows (" +
               std::to_string(expected_values() / 3) + ")",
           "check LUT_3D_SIZE against the data");
    for (const auto& token : tokens) {
      const auto value = number_of(token);
      if (!value) fail("malformed-lut", "'" + std::string(token) + "' is not a finite number", "one colour per line: R G B");
      lut_.table.push_back(*value);
    }
  }

  std::string source_;
  int line_ = 0;
  CubeLut lut_;
};

}  // namespace

CubeLut parse_cube(std::string_view text, const std::string& source_name) { return CubeParser(source_name).parse(text); }

CubeLut identity_cube(int size) {
  CubeLut lut;
  lut.size = size;
  lut.title = "identity";
  for (int b = 0; b < size; ++b)
    for (int g = 0; g < size; ++g)
      for (int r = 0; r < size; ++r)
        for (int v : {r, g, b}) lut.table.push_back(static_cast<float>(v) / static_cast<float>(size - 1));
  return lut;
}

}  // namespace shotgen::finish
