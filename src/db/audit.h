#pragma once
// The audit of stored renders: every take must open with the style-block revision that was
// current when it was rendered and carry every term of the negative-block revision of that time.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/project_store.h"

namespace shotgen::db {

enum class AuditFinding {
  MissingStyle,           // no style revision recorded, an empty one, or the prompt does not open with it
  MissingNegative,        // no negative revision recorded, an empty one, or a term is absent from the negative
  StaleStyleRevision,     // the recorded style revision was not the current one at render time
  StaleNegativeRevision,  // the recorded negative revision was not the current one at render time
};
std::string_view audit_finding_name(AuditFinding);  // "missing_style", "missing_negative", ...

struct AuditedTake {
  std::int64_t take_id = 0;
  std::string shot_id;
  int take_index = 0;
  std::vector<AuditFinding> findings;
  std::vector<std::string> missing_terms;  // negative terms absent from the recorded negative prompt
};

struct AuditReport {
  int total = 0;
  int ok = 0;
  // Renders with each finding (one render can count under several).
  int missing_style = 0;
  int missing_negative = 0;
  int stale_style_revision = 0;
  int stale_negative_revision = 0;
  std::vector<AuditedTake> offending;  // in take order
  bool clean() const { return offending.empty(); }
};

AuditReport audit(const ProjectStore& store);

// Whether `negative_prompt`, read as comma-separated terms, contains `term` as one or more whole
// consecutive terms (case- and whitespace-insensitive).
bool negative_contains_term(std::string_view negative_prompt, std::string_view term);

}  // namespace shotgen::db
