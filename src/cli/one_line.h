#pragma once
// Long texts (a job's error can be a 6 KB library trace) shortened to one line of a listing.
#include <cstddef>
#include <string>
#include <string_view>

namespace shotgen::cli {

// `text` with line breaks and tabs as spaces and, when longer than `max_chars` bytes, cut at a
// UTF-8 character boundary and ended with "… (N more bytes; <where_full>)".
std::string one_line(std::string_view text, std::size_t max_chars, std::string_view where_full);

}  // namespace shotgen::cli
