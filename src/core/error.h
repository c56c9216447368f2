#pragma once
// Errors a user can act on: every failure the CLI reports names what went wrong, where, and how
// to fix it. Expected failures travel as Outcome<T>; unrecoverable ones are thrown as Error.
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace shotgen {

struct Problem {
  std::string what;   // "unknown key 'lightning'"
  std::string where;  // "projects/demo/film.toml:12:1" (file, file:line:col, table.key, shot id)
  std::string fix;    // "did you mean 'lighting'?"
  // What kind of problem it is, for programs rather than people ("unknown-key", "out-of-range",
  // the lint codes): clients branch on it instead of parsing `what`. Empty when unclassified.
  std::string kind;

  // One line: "<where>: <what> (<fix>)", parts omitted when empty.
  std::string message() const;
};

class Error : public std::runtime_error {
 public:
  explicit Error(Problem problem);
  Error(std::string what, std::string where, std::string fix = {}, std::string kind = {});
  const Problem& problem() const { return problem_; }

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
