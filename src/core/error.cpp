#include "core/error.h"

namespace shotgen {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::General: return "general";
    case ErrorKind::NotARegularFile: return "not_a_regular_file";
    case ErrorKind::TooLarge: return "too_large";
    case ErrorKind::Corrupt: return "corrupt";
    case ErrorKind::BlankFrames: return "blank_frames";
    case ErrorKind::DurationMismatch: return "duration_mismatch";
    case ErrorKind::OutOfRange: return "out_of_range";
    case ErrorKind::NotFound: return "not_found";
    case ErrorKind::Io: return "io";
    case ErrorKind::OutOfMemory: return "out_of_memory";
    case ErrorKind::ModelFailure: return "model_failure";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::RenderLocked: return "render_locked";
  }
  return "general";
}

std::string Problem::message() const {
  std::string out;
  if (!where.empty()) out += where + ": ";
  out += what;
  if (!fix.empty()) out += " (" + fix + ")";
  return out;
}

Error::Error(Problem problem) : std::runtime_error(problem.message()), problem_(std::move(problem)) {}

Error::Error(std::string what, std::string where, std::string fix)
    : Error(Problem{std::move(what), std::move(where), std::move(fix), ErrorKind::General, {}}) {}

Error::Error(std::string what, std::string where, std::string fix, std::string code)
    : Error(Problem{std::move(what), std::move(where), std::move(fix), ErrorKind::General, std::move(code)}) {}

Error::Error(ErrorKind kind, std::string what, std::string where, std::string fix)
    : Error(Problem{std::move(what), std::move(where), std::move(fix), kind, {}}) {}

}  // namespace shotgen
