#include "serve/api_error.h"

namespace shotgen::serve {

namespace {

ErrorKind kind_for_status(int status) {
  switch (status) {
    case 404: return ErrorKind::NotFound;
    case 413: return ErrorKind::TooLarge;
    case 416: return ErrorKind::OutOfRange;
    default: return ErrorKind::General;
  }
}

}  // namespace

ApiError::ApiError(int status, std::string what, std::string where, std::string fix, std::string code)
    : ApiError(status,
               Problem{std::move(what), std::move(where), std::move(fix), kind_for_status(status), std::move(code)}) {}

nlohmann::json problem_json(const Problem& problem) {
  return {{"error",
           {{"what", problem.what},
            {"where", problem.where},
            {"fix", problem.fix},
            {"kind", std::string(error_kind_name(problem.kind))},
            {"code", problem.code}}},
          {"message", problem.message()}};
}

int status_for(const Problem& problem) {
  return problem.kind == ErrorKind::NotFound || problem.code.starts_with("unknown-") ? 404 : 409;
}

}  // namespace shotgen::serve
