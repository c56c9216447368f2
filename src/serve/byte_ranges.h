#pragma once
// The byte ranges of a Range request (GET /files/...: a <video> seeks with them), as the HTTP
// library parsed them, fitted to the file they ask for.
#include <sys/types.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace shotgen::serve {

// {first, last} inclusive; first = -1: the last `last` bytes (a suffix range); last = -1: to the
// end. The same layout as the HTTP library's ranges, so server.cpp passes them through.
using ByteRanges = std::vector<std::pair<ssize_t, ssize_t>>;

// Clamps `ranges` to a file of `size` bytes (RFC 9110 14.1.2) and drops those that lie outside it;
// afterwards every range has 0 <= first <= last < size. False when none is left (416).
bool fit_ranges(ByteRanges& ranges, std::uintmax_t size);

}  // namespace shotgen::serve
