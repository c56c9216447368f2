#include "serve/access.h"

#include <algorithm>
#include <cctype>
#include <random>

#include "core/atomic_file.h"

namespace shotgen::serve {

bool is_loopback_bind(std::string_view address) {
  return address == "127.0.0.1" || address == "::1" || address == "localhost";
}

std::string generate_token() {
  std::random_device random;  // the kernel's random source on Linux
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) token += kHex[random() % 16];
  return token;
}

std::string read_token_file(const std::filesystem::path& path) {
  std::string text = read_file(path);
  text = text.substr(0, text.find('\n'));
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  const bool allowed_characters = std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '~' || c == '-';
  });
  if (text.size() < kMinTokenLength || !allowed_characters)
    throw Error("the token must be at least " + std::to_string(kMinTokenLength) +
                    " characters of letters, digits, '.', '_', '~' or '-' on the first line",
                path.string(), "write one, e.g. `head -c 24 /dev/urandom | base64 | tr '+/' '-_' > FILE`",
                "invalid-token-file");
  return text;
}

bool tokens_equal(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= a[i] ^ (i < b.size() ? b[i] : 0);
  return difference == 0;
}

AccessPolicy access_policy(std::string_view address, int port, std::string token) {
  AccessPolicy policy;
  policy.token = std::move(token);
  policy.token_for_reads = !is_loopback_bind(address);
  if (!policy.token_for_reads) {
    const std::string suffix = ":" + std::to_string(port);
    policy.allowed_hosts = {"127.0.0.1" + suffix, "localhost" + suffix, "[::1]" + suffix};
  }
  return policy;
}

std::optional<ApiError> check_access(const AccessPolicy& policy, const AccessRequest& request) {
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (!read && request.method != "POST")
    return ApiError(405, "method " + request.method + " is not used by this server", "request",
                    "read with GET, change with POST", "method-not-allowed");
  if (!policy.allowed_hosts.empty() &&
      std::find(policy.allowed_hosts.begin(), policy.allowed_hosts.end(), request.host) == policy.allowed_hosts.end())
    return ApiError(403, "host '" + request.host + "' is not this server's loopback address", "Host header",
                    "open the page as http://" + policy.allowed_hosts.front() + "/", "wrong-host");
  const bool header_ok = request.header_token && tokens_equal(*request.header_token, policy.token);
  if (!read && !header_ok)
    return ApiError(401, "a change needs the server's token in the " + std::string(kTokenHeader) + " header",
                    "request", "send the token `shotgen serve` printed at start", "missing-token");
  const bool query_ok = read && request.query_token && tokens_equal(*request.query_token, policy.token);
  if (policy.token_for_reads && !header_ok && !query_ok)
    return ApiError(401, "this server needs its token with every request", "request",
                    "open the address `shotgen serve` printed (it ends in ?token=...), or send the " +
                        std::string(kTokenHeader) + " header",
                    "missing-token");
  return std::nullopt;
}

}  // namespace shotgen::serve
