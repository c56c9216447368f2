#include "film/prompt_term.h"

namespace shotgen::film {

std::string normalize_term(std::string_view term) {
  std::string out;
  bool pending_space = false;
  for (char c : term) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace shotgen::film
