#include "core/error.h"

namespace shotgen {

std::string Problem::message() const {
  std::string out;
  if (!where.empty()) out += where + ": ";
  out += what;
  if (!fix.empty()) out += " (" + fix + ")";
  return out;
}

Error::Error(Problem problem) : std::runtime_error(problem.message()), problem_(std::move(problem)) {}

Error::Error(std::string what, std::string where, std::string fix, std::string kind)
    : Error(Problem{std::move(what), std::move(where), std::move(fix), std::move(kind)}) {}

}  // namespace shotgen
