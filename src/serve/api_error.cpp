#include "serve/api_error.h"

namespace shotgen::serve {

nlohmann::json problem_json(const Problem& problem) {
  return {{"error", {{"what", problem.what}, {"where", problem.where}, {"fix", problem.fix}, {"kind", problem.kind}}},
          {"message", problem.message()}};
}

int status_for(const Problem& problem) {
  return problem.kind.starts_with("unknown-") ? 404 : 409;
}

}  // namespace shotgen::serve
