#pragma once
// The farm's expected failures: each carries a kind (core/error.h) for code that reacts to it and
// a stable code naming the farm problem ("manifest-tampered", "slurm-failed", ...), which tests and
// scripts read; the message is for people.
#include <string>
#include <utility>

#include "core/error.h"

namespace shotgen::farm {

inline Error farm_error(ErrorKind kind, std::string code, std::string what, std::string where, std::string fix = {}) {
  return Error(Problem{std::move(what), std::move(where), std::move(fix), kind, std::move(code)});
}

}  // namespace shotgen::farm
