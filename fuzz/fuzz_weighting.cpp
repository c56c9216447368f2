// Prompt weighting syntax "(term:1.3)": every string parses to runs whose weights are finite and
// within the documented clamp, and escaping then parsing gives the text back as one run.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "prompt/weighting.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& run : shotgen::prompt::parse_weighted_prompt(text))
      if (!std::isfinite(run.weight) || run.weight < 0.0 || run.weight > 10.0) std::abort();
    shotgen::prompt::strip_weighting(text);
    const auto escaped = shotgen::prompt::parse_weighted_prompt(shotgen::prompt::escape_weighting(text));
    std::string joined;
    for (const auto& run : escaped) joined += run.text;
    if (joined != text) std::abort();
  } catch (const shotgen::Error&) {
  }
  return 0;
}
