#include "cli/one_line.h"

#include <algorithm>

namespace shotgen::cli {

std::string one_line(std::string_view text, std::size_t max_chars, std::string_view where_full) {
  std::string flat;
  flat.reserve(std::min(text.size(), max_chars + 4));
  for (char c : text) flat.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  if (flat.size() <= max_chars) return flat;
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return flat.substr(0, cut) + "… (" + std::to_string(flat.size() - cut) + " more bytes; " +
         std::string(where_full) + ")";
}

}  // namespace shotgen::cli
