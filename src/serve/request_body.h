#pragma once
// The body of a POST to the review server's API: a small JSON object, or nothing.
#include <nlohmann/json.hpp>

#include <string_view>

namespace shotgen::serve {

// A request body as a JSON object ({} when empty or only whitespace). Throws ApiError 400
// (malformed-json) for anything else, with the parser's position.
nlohmann::json parse_body(std::string_view body);

}  // namespace shotgen::serve
