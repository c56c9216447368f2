#include "cli/frame_sizes.h"

#include <charconv>
#include <sstream>

#include "core/error.h"

namespace shotgen::cli {
namespace {

bool parse_side(const std::string& text, int& out) {
  const char* end = text.data() + text.size();
  auto [next, error] = std::from_chars(text.data(), end, out);
  return error == std::errc() && next == end;
}

}  // namespace

engine::FrameSize parse_frame_size(const std::string& text, const std::string& option, int multiple, int max_side) {
  const auto x = text.find('x');
  engine::FrameSize size;
  const bool parsed = x != std::string::npos && parse_side(text.substr(0, x), size.width) &&
                      parse_side(text.substr(x + 1), size.height);
  const std::string example = std::to_string(multiple * 8) + "x" + std::to_string(multiple * 4);
  if (!parsed)
    throw Error("size '" + text + "' is not WIDTHxHEIGHT", option, "write it like " + example);
  if (size.width < multiple || size.height < multiple || size.width > max_side || size.height > max_side ||
      size.width % multiple != 0 || size.height % multiple != 0)
    throw Error("size '" + text + "' is out of range", option,
                "use multiples of " + std::to_string(multiple) + " from " + std::to_string(multiple) + " to " +
                    std::to_string(max_side) + " pixels per side, e.g. " + example);
  return size;
}

std::vector<engine::FrameSize> parse_frame_sizes(const std::string& text, const std::string& option) {
  std::vector<engine::FrameSize> sizes;
  std::istringstream items(text);
  for (std::string item; std::getline(items, item, ',');) sizes.push_back(parse_frame_size(item, option));
  if (sizes.empty()) throw Error("no sizes given", option, "e.g. " + option + " 128x64");
  return sizes;
}

std::string command_line_of(const CLI::App& command, const std::string& prefix) {
  std::string line = prefix;
  for (const CLI::Option* option : command.get_options()) {
    if (option->count() == 0 || option->get_name() == "--help") continue;
    line += " " + option->get_name();
    if (option->get_expected_min() > 0)
      for (const std::string& value : option->results()) line += " " + value;
  }
  return line;
}

}  // namespace shotgen::cli
