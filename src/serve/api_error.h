#pragma once
// A request the review server refuses: an HTTP status and the Problem (what, where, fix, kind)
// the client receives as JSON. Handlers throw it; the router turns it into the response.
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace shotgen::serve {

class ApiError : public Error {
 public:
  ApiError(int status, Problem problem) : Error(std::move(problem)), status_(status) {}
  ApiError(int status, std::string what, std::string where, std::string fix, std::string kind)
      : ApiError(status, Problem{std::move(what), std::move(where), std::move(fix), std::move(kind)}) {}
  int status() const { return status_; }

 private:
  int status_;
};

// {"error": {"what","where","fix","kind"}, "message": "<where>: <what> (<fix>)"}: the body of every
// 4xx/5xx answer, so a client shows `message` and branches on `error.kind`.
nlohmann::json problem_json(const Problem& problem);

// The status for a shotgen::Error a core function threw while serving a request: 404 for the
// unknown-* kinds (an id that does not exist), 409 for everything else (the request is well-formed
// but the workspace's state refuses it: lint errors, another render holding the lock, ...).
int status_for(const Problem& problem);

}  // namespace shotgen::serve
