#pragma once
// A request the review server refuses: an HTTP status and the Problem (what, where, fix, kind,
// code) the client receives as JSON. Handlers throw it; the router turns it into the response.
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace shotgen::serve {

class ApiError : public Error {
 public:
  ApiError(int status, Problem problem) : Error(std::move(problem)), status_(status) {}
  // The Problem's kind follows from the status (404 NotFound, 413 TooLarge, 416 OutOfRange,
  // otherwise General); `code` is the finer name a client branches on ("bad-path", ...).
  ApiError(int status, std::string what, std::string where, std::string fix, std::string code);
  int status() const { return status_; }

 private:
  int status_;
};

// {"error": {"what","where","fix","kind","code"}, "message": "<where>: <what> (<fix>)"}: the body
// of every 4xx/5xx answer, so a client shows `message` and branches on `error.code` (or on
// `error.kind`, error_kind_name() of the Problem's ErrorKind).
nlohmann::json problem_json(const Problem& problem);

// The status for a shotgen::Error a core function threw while serving a request: 404 for
// ErrorKind::NotFound and the unknown-* codes (an id that does not exist), 409 for everything else
// (the request is well-formed but the workspace's state refuses it: lint errors, another render
// holding the lock, ...).
int status_for(const Problem& problem);

}  // namespace shotgen::serve
