#include "serve/request_body.h"

#include <string>

#include "serve/api_error.h"

namespace shotgen::serve {

nlohmann::json parse_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return nlohmann::json::object();
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw ApiError(400, "the request body is not valid JSON (byte " + std::to_string(e.byte) + ")", "request body",
                   "send a JSON object, e.g. {}", "malformed-json");
  } catch (const nlohmann::json::exception& e) {  // a number too large for a double, ...
    throw ApiError(400, std::string("the request body is not usable JSON: ") + e.what(), "request body",
                   "send a JSON object, e.g. {}", "malformed-json");
  }
  if (!parsed.is_object())
    throw ApiError(400, "the request body must be a JSON object", "request body", "send e.g. {}", "malformed-json");
  return parsed;
}

}  // namespace shotgen::serve
