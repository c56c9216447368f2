#include "cli/option_checks.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

namespace shotgen::cli {
namespace {

// The number `text` spells in full, or nothing ("12abc", "", "1e400").
template <class T>
std::optional<T> parse_all(const std::string& text) {
  T value{};
  const char* begin = text.data() + (text.size() > 1 && text.front() == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

bool spells_a_whole_number(const std::string& text) {
  std::size_t i = (!text.empty() && (text.front() == '-' || text.front() == '+')) ? 1 : 0;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  return true;
}

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

CLI::Validator whole_number_in(std::int64_t lowest, std::int64_t highest) {
  const std::string range = "from " + std::to_string(lowest) + " to " + std::to_string(highest);
  return CLI::Validator(
      [lowest, highest, range](std::string& text) -> std::string {
        const auto value = parse_all<std::int64_t>(text);
        // Out of int64 range entirely ("1" followed by 300 zeros) is as wrong as 1001.
        if (value && *value >= lowest && *value <= highest) return {};
        if (!spells_a_whole_number(text)) return "must be a whole number " + range + ", got '" + text + "'";
        return "must be " + range + ", got " + text;
      },
      "INT " + range);
}

CLI::Validator seed_number() {
  const std::string range = "from 0 to " + std::to_string(std::numeric_limits<std::int64_t>::max());
  return CLI::Validator(
      [range](std::string& text) -> std::string {
        const auto value = parse_all<std::int64_t>(text);
        if (value && *value >= 0) return {};
        return "seeds are whole numbers " + range + " (the integers film.toml can hold), got '" + text + "'";
      },
      "SEED 0..2^63-1");
}

CLI::Validator number_above(double above, double highest) {
  const std::string range = "greater than " + number_text(above) + " and at most " + number_text(highest);
  return CLI::Validator(
      [above, highest, range](std::string& text) -> std::string {
        const auto value = parse_all<double>(text);
        if (value && std::isfinite(*value) && *value > above && *value <= highest) return {};
        return "must be " + range + ", got '" + text + "'";
      },
      "NUMBER " + range);
}

CLI::Validator number_in(double lowest, double highest) {
  const std::string range = "from " + number_text(lowest) + " to " + number_text(highest);
  return CLI::Validator(
      [lowest, highest, range](std::string& text) -> std::string {
        const auto value = parse_all<double>(text);
        if (value && std::isfinite(*value) && *value >= lowest && *value <= highest) return {};
        return "must be a number " + range + ", got '" + text + "'";
      },
      "NUMBER " + range);
}

}  // namespace shotgen::cli
