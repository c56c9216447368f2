#pragma once
// The one error for a failed system call on a file: kind Io, what was being done, the system's
// reason, and the fix that works for that reason. A full disk and a failing disk are fixed outside
// shotgen, so they say so in words a user acts on ("the disk is full"), not only in errno's.
#include <filesystem>
#include <string_view>

#include "core/error.h"

namespace shotgen {

// `error_number` is the errno of the failed call; `doing` is "cannot write file", ...
Error io_error(int error_number, std::string_view doing, const std::filesystem::path& path);

// True for the errno values of a full disk (ENOSPC, and EDQUOT: a user's quota is full).
bool is_disk_full(int error_number);

}  // namespace shotgen
