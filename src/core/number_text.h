#pragma once
// Numbers in messages and metadata as people write them: "12", "7.5", "23.976", not printf's
// "12.000000".
#include <string>

namespace shotgen {

// The shortest decimal that reads back as exactly `value` ("1e+09" for large ones).
std::string shortest_decimal(double value);

}  // namespace shotgen
