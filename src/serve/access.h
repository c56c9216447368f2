#pragma once
// Who may use the review server.
//
// Every server has a token: random per start, or read from a file (--token-file). State-changing
// requests are POST and must carry it in the X-Shotgen-Token header, which a cross-site form,
// image or link cannot send (so no CSRF). Bound to a loopback address (127.0.0.1, ::1,
// localhost) the page is readable without the token, but only under a loopback Host name (so a
// DNS-rebinding page cannot read it); bound to any other address every request needs the token:
// the header, or for GETs (a <video> or EventSource cannot send headers) the `token` query
// parameter.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/api_error.h"

namespace shotgen::serve {

inline constexpr std::string_view kTokenHeader = "X-Shotgen-Token";
inline constexpr std::string_view kTokenParameter = "token";
inline constexpr std::size_t kMinTokenLength = 16;

// "127.0.0.1", "::1" and "localhost": the addresses only this machine reaches.
bool is_loopback_bind(std::string_view address);

// 32 hex characters from the system's random source.
std::string generate_token();

// The token in `path`: its first line, trimmed; at least kMinTokenLength characters of
// [A-Za-z0-9._~-]. Throws shotgen::Error naming the file otherwise.
std::string read_token_file(const std::filesystem::path& path);

// Compares without an early exit, so the time taken does not tell how much of a guess was right.
bool tokens_equal(std::string_view a, std::string_view b);

struct AccessPolicy {
  std::string token;
  bool token_for_reads = false;            // not bound to loopback: every request needs the token
  std::vector<std::string> allowed_hosts;  // Host header values accepted; empty: any
};

// The policy for a server bound to `address`:`port`.
AccessPolicy access_policy(std::string_view address, int port, std::string token);

struct AccessRequest {
  std::string method;  // "GET", "HEAD", "POST", ...
  std::string host;    // the Host header
  std::optional<std::string> header_token;
  std::optional<std::string> query_token;
};

// Nothing when the request may proceed, else the refusal: 401 without a valid token, 403 for a
// Host that is not one of the loopback names, 405 for a method other than GET, HEAD and POST.
std::optional<ApiError> check_access(const AccessPolicy& policy, const AccessRequest& request);

}  // namespace shotgen::serve
