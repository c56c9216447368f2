// Who may use the review server: loopback binds, tokens, Host names, methods.
#include <gtest/gtest.h>

#include "serve/access.h"
#include "support/test_support.h"

namespace shotgen::serve {
namespace {

using shotgen::testing::TempDir;
using shotgen::testing::write_text;

constexpr const char* kToken = "0123456789abcdef0123";

AccessRequest request(std::string method, std::string host, std::optional<std::string> header = std::nullopt,
                      std::optional<std::string> query = std::nullopt) {
  return {std::move(method), std::move(host), std::move(header), std::move(query)};
}

TEST(Access, OnlyLoopbackNamesAreLoopbackBinds) {
  EXPECT_TRUE(is_loopback_bind("127.0.0.1"));
  EXPECT_TRUE(is_loopback_bind("::1"));
  EXPECT_TRUE(is_loopback_bind("localhost"));
  EXPECT_FALSE(is_loopback_bind("0.0.0.0"));
  EXPECT_FALSE(is_loopback_bind("127.0.0.2"));
  EXPECT_FALSE(is_loopback_bind("192.168.1.5"));
}

TEST(Access, GeneratedTokensAreLongAndDiffer) {
  const auto a = generate_token(), b = generate_token();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(tokens_equal(a, a));
  EXPECT_FALSE(tokens_equal(a, b));
  EXPECT_FALSE(tokens_equal(a, a.substr(0, 31)));
  EXPECT_FALSE(tokens_equal("", a));
}

TEST(Access, TokenFileGivesItsFirstLineTrimmed) {
  TempDir dir;
  write_text(dir.path() / "token", "  s3cret-token_0123456789  \nsecond line\n");
  EXPECT_EQ(read_token_file(dir.path() / "token"), "s3cret-token_0123456789");
  write_text(dir.path() / "short", "short\n");
  EXPECT_THROW(read_token_file(dir.path() / "short"), Error);
  write_text(dir.path() / "spaces", "has a space in the middle!!\n");
  EXPECT_THROW(read_token_file(dir.path() / "spaces"), Error);
  EXPECT_THROW(read_token_file(dir.path() / "missing"), Error);
}

TEST(Access, LoopbackReadsNeedNoTokenButChangesDo) {
  const auto policy = access_policy("127.0.0.1", 8642, kToken);
  EXPECT_FALSE(check_access(policy, request("GET", "127.0.0.1:8642")));
  EXPECT_FALSE(check_access(policy, request("HEAD", "localhost:8642")));
  const auto refused = check_access(policy, request("POST", "127.0.0.1:8642"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status(), 401);
  EXPECT_EQ(refused->problem().code, "missing-token");
  // The token in the query string is not enough for a change: a link or form could carry it.
  EXPECT_TRUE(check_access(policy, request("POST", "127.0.0.1:8642", std::nullopt, kToken)));
  EXPECT_TRUE(check_access(policy, request("POST", "127.0.0.1:8642", "wrong-token-0000000")));
  EXPECT_FALSE(check_access(policy, request("POST", "127.0.0.1:8642", kToken)));
}

TEST(Access, LoopbackRefusesOtherHostNames) {
  const auto policy = access_policy("127.0.0.1", 8642, kToken);
  const auto refused = check_access(policy, request("GET", "evil.example:8642"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status(), 403);
  EXPECT_TRUE(check_access(policy, request("GET", "127.0.0.1:9999")));
  EXPECT_TRUE(check_access(policy, request("GET", "")));
}

TEST(Access, OtherBindsNeedTheTokenForEverything) {
  const auto policy = access_policy("0.0.0.0", 8642, kToken);
  EXPECT_EQ(check_access(policy, request("GET", "10.0.0.5:8642"))->status(), 401);
  EXPECT_FALSE(check_access(policy, request("GET", "10.0.0.5:8642", std::nullopt, kToken)));
  EXPECT_FALSE(check_access(policy, request("GET", "10.0.0.5:8642", kToken)));
  EXPECT_EQ(check_access(policy, request("GET", "10.0.0.5:8642", std::nullopt, "nope-nope-nope-nope"))->status(), 401);
  EXPECT_EQ(check_access(policy, request("POST", "10.0.0.5:8642", std::nullopt, kToken))->status(), 401);
  EXPECT_FALSE(check_access(policy, request("POST", "10.0.0.5:8642", kToken)));
}

TEST(Access, OnlyGetHeadAndPostAreServed) {
  const auto policy = access_policy("127.0.0.1", 8642, kToken);
  for (const char* method : {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
    const auto refused = check_access(policy, request(method, "127.0.0.1:8642", kToken));
    ASSERT_TRUE(refused) << method;
    EXPECT_EQ(refused->status(), 405) << method;
  }
}

}  // namespace
}  // namespace shotgen::serve
