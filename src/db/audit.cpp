#include "db/audit.h"

#include <algorithm>
#include <optional>

#include "film/prompt_term.h"

namespace shotgen::db {
namespace {

// The comma-separated list in canonical form: normalized terms joined by "," with no spaces
// around the commas, wrapped in commas so a term can be found by its delimiters.
std::string canonical_term_list(std::string_view text) {
  std::string out = ",";
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    out += film::normalize_term(text.substr(start, comma - start));
    out += ',';
    start = comma + 1;
  }
  return out;
}

// The revision of `revisions` (ordered by id) that was current at `time`: the newest one created
// at or before it.
template <class Revision>
std::optional<std::int64_t> current_at(const std::vector<Revision>& revisions, const std::string& time) {
  std::optional<std::int64_t> current;
  for (const auto& revision : revisions)
    if (revision.created_at <= time) current = revision.id;
  return current;
}

template <class Revision>
const Revision* find_revision(const std::vector<Revision>& revisions, const std::optional<std::int64_t>& id) {
  if (!id) return nullptr;
  auto it = std::find_if(revisions.begin(), revisions.end(), [&](const Revision& r) { return r.id == *id; });
  return it == revisions.end() ? nullptr : &*it;
}

}  // namespace

std::string_view audit_finding_name(AuditFinding finding) {
  switch (finding) {
    case AuditFinding::MissingStyle: return "missing_style";
    case AuditFinding::MissingNegative: return "missing_negative";
    case AuditFinding::StaleStyleRevision: return "stale_style_revision";
    case AuditFinding::StaleNegativeRevision: return "stale_negative_revision";
  }
  return "missing_style";
}

bool negative_contains_term(std::string_view negative_prompt, std::string_view term) {
  const std::string wanted = canonical_term_list(term);
  if (wanted == ",,") return true;  // an empty term asks for nothing
  return canonical_term_list(negative_prompt).find(wanted) != std::string::npos;
}

AuditReport audit(const ProjectStore& store) {
  const auto styles = store.style_revisions();
  const auto negatives = store.negative_revisions();
  AuditReport report;
  for (const TakeRecord& take : store.takes()) {
    ++report.total;
    AuditedTake audited{take.id, take.shot_id, take.take_index, {}, {}};

    // Style: the prompt must open with the recorded revision's text (whitespace-insensitive).
    const StyleRevision* style = find_revision(styles, take.style_revision_id);
    const std::string style_text = style ? film::normalize_term(style->text) : std::string();
    if (style_text.empty() || !film::normalize_term(take.positive).starts_with(style_text))
      audited.findings.push_back(AuditFinding::MissingStyle);
    if (style && current_at(styles, take.created_at) != style->id)
      audited.findings.push_back(AuditFinding::StaleStyleRevision);

    // Negative: every term of the recorded revision must be in the negative prompt.
    const NegativeRevision* negative = find_revision(negatives, take.negative_revision_id);
    if (negative) {
      for (const auto& term : negative->block.all_terms())
        if (!negative_contains_term(take.negative, term)) audited.missing_terms.push_back(term);
    }
    if (!negative || negative->block.empty() || !audited.missing_terms.empty())
      audited.findings.push_back(AuditFinding::MissingNegative);
    if (negative && current_at(negatives, take.created_at) != negative->id)
      audited.findings.push_back(AuditFinding::StaleNegativeRevision);

    for (auto finding : audited.findings) {
      switch (finding) {
        case AuditFinding::MissingStyle: ++report.missing_style; break;
        case AuditFinding::MissingNegative: ++report.missing_negative; break;
        case AuditFinding::StaleStyleRevision: ++report.stale_style_revision; break;
        case AuditFinding::StaleNegativeRevision: ++report.stale_negative_revision; break;
      }
    }
    if (audited.findings.empty())
      ++report.ok;
    else
      report.offending.push_back(std::move(audited));
  }
  return report;
}

}  // namespace shotgen::db
