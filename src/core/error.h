#pragma once
// Errors a user can act on: every failure the CLI reports names what went wrong, where, and how
// to fix it. Expected failures travel as Outcome<T>; unrecoverable ones are thrown as Error.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace shotgen {

// What sort of failure a Problem is, for code that reacts to it (callers, tests): the message is
// for people and may be reworded, the kind is not.
enum class ErrorKind {
  General,           // an actionable failure without a finer kind
  NotARegularFile,   // a path that must name a regular file names a device, FIFO, directory, ...
  TooLarge,          // a file, or the size it declares, beyond a documented limit
  Corrupt,           // content that cannot be decoded (truncated, inconsistent, not the format)
  BlankFrames,       // generated frames that carry no picture (constant, e.g. from NaN output)
  DurationMismatch,  // a shot's duration and its take's length disagree
  OutOfRange,        // a number outside the range it may take
  NotFound,          // a file, shot, take or job that is not there
  Io,                // reading or writing failed (disk full, permissions, a damaged file system)
  OutOfMemory,       // a request too large for the memory at hand: smaller batches or sizes help
  ModelFailure,      // the model or the library running it failed (damaged weights, NaN output)
  Cancelled,         // stopped on request (Ctrl-C, cancel)
  RenderLocked,      // another process renders this workspace (holds its render lock): wait and try again
};
std::string_view error_kind_name(ErrorKind kind);  // "general", "not_a_regular_file", ...

struct Problem {
  std::string what;   // "unknown key 'lightning'"
  std::string where;  // "projects/demo/film.toml:12:1" (file, file:line:col, table.key, shot id)
  std::string fix;    // "did you mean 'lighting'?"
  ErrorKind kind = ErrorKind::General;
  // A finer, stable name for the problem where a report lists many (film.toml's "unknown-key",
  // "out-of-range", lint's codes): what lint --json prints as a finding's code. Empty if none.
  std::string code;

  // One line: "<where>: <what> (<fix>)", parts omitted when empty.
  std::string message() const;
};

class Error : public std::runtime_error {
 public:
  explicit Error(Problem problem);
  Error(std::string what, std::string where, std::string fix = {});
  Error(ErrorKind kind, std::string what, std::string where, std::string fix = {});
  // A general problem with a code (Problem::code): film.toml's, lint's and the store's checks.
  Error(std::string what, std::string where, std::string fix, std::string code);
  const Problem& problem() const { return problem_; }
  ErrorKind kind() const { return problem_.kind; }

 private:
  Problem problem_;
};

// A value or the Problem explaining why there is none (a minimal std::expected for C++20).
template <class T>
class Outcome {
 public:
  Outcome(T value) : state_(std::move(value)) {}
  Outcome(Problem problem) : state_(std::move(problem)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return checked(); }
  T& value() & { return const_cast<T&>(checked()); }
  T&& value() && { return std::move(const_cast<T&>(checked())); }
  const Problem& problem() const { return std::get<Problem>(state_); }

 private:
  const T& checked() const {
    if (!ok()) throw Error(std::get<Problem>(state_));
    return std::get<T>(state_);
  }
  std::variant<T, Problem> state_;
};

}  // namespace shotgen
