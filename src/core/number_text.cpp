#include "core/number_text.h"

#include <cstdio>
#include <cstdlib>

namespace shotgen {

std::string shortest_decimal(double value) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

}  // namespace shotgen
