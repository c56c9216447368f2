#include "core/hash.h"

#include <openssl/evp.h>

#include <array>

#include "core/error.h"

namespace shotgen {
namespace {

// SHA-256 through OpenSSL's libcrypto (a maintained, FIPS-validated implementation) rather than
// our own: a hash that identifies jobs and takes must never be subtly wrong.
std::array<unsigned char, 32> sha256(std::string_view bytes) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size())
    throw Error("SHA-256 failed in libcrypto", "core/hash", "check the OpenSSL installation (libssl3)");
  return digest;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char byte : sha256(bytes)) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

std::uint64_t sha256_u64(std::string_view bytes) {
  const auto digest = sha256(bytes);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | digest[i];
  return v;
}

}  // namespace shotgen
