#include "serve/request_body.h"

#include <gtest/gtest.h>

#include "serve/api_error.h"

namespace shotgen::serve {
namespace {

int status_of(std::string_view body) {
  try {
    parse_body(body);
  } catch (const ApiError& e) {
    return e.status();
  }
  return 200;
}

TEST(RequestBody, EmptyIsAnObjectAnythingElseMustBeOne) {
  EXPECT_EQ(parse_body(""), nlohmann::json::object());
  EXPECT_EQ(parse_body(" \n"), nlohmann::json::object());
  EXPECT_EQ(parse_body("{\"a\":1}")["a"], 1);
  EXPECT_EQ(status_of("nul"), 400);
  EXPECT_EQ(status_of("\"text\""), 400);
  EXPECT_EQ(status_of("[1, 2]"), 400);
  EXPECT_EQ(status_of(std::string_view("{\"a\":\0}", 7)), 400);
}

TEST(RequestBody, TheErrorSaysWhereTheJsonBreaks) {
  try {
    parse_body("{\"shots\": [1, }");
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.problem().code, "malformed-json");
    EXPECT_NE(std::string(e.what()).find("byte 15"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace shotgen::serve
