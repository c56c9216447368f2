#pragma once
// Stable content hashes (SHA-256), used for prompt hashes and job identities: the same bytes give
// the same hash on every machine and in every version.
#include <cstdint>
#include <string>
#include <string_view>

namespace shotgen {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// First 8 bytes of the SHA-256 as an integer (for deriving seeds from ids).
std::uint64_t sha256_u64(std::string_view bytes);

}  // namespace shotgen
