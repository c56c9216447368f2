#include "serve/byte_ranges.h"

#include <algorithm>

namespace shotgen::serve {

bool fit_ranges(ByteRanges& ranges, std::uintmax_t size) {
  const auto file_size = static_cast<ssize_t>(size);
  ByteRanges fitted;
  for (auto [first, last] : ranges) {
    if (first == -1) {  // the last `last` bytes
      if (last <= 0 || size == 0) continue;
      first = std::max<ssize_t>(0, file_size - std::min(last, file_size));
      last = file_size - 1;
    } else {
      // A range that starts past the end, runs backwards or has a negative end other than the
      // open end (-1) is not satisfiable.
      if (first < 0 || first >= file_size || (last < first && last != -1)) continue;
      last = last == -1 ? file_size - 1 : std::min(last, file_size - 1);
    }
    fitted.emplace_back(first, last);
  }
  ranges = std::move(fitted);
  return !ranges.empty();
}

}  // namespace shotgen::serve
