#include "render/project_lint.h"

#include <algorithm>

#include "core/error.h"
#include "finish/finish_plan.h"
#include "render/router.h"

namespace shotgen::render {

prompt::LintReport lint_project(const film::Film& film, const std::filesystem::path& workspace_root,
                                const std::vector<prompt::BackendCaps>& known, const prompt::LintOptions& options) {
  auto report = prompt::lint_film(film, workspace_root, options);
  lint_routing(film, known, report);
  for (const Problem& problem : finish::check_finish(film, workspace_root))
    report.add({prompt::Severity::Error, problem.code, problem.what, problem.where, "", problem.fix});
  return report;
}

void require_lint_clean(const film::Film& film, const std::filesystem::path& workspace_root,
                        const std::vector<prompt::BackendCaps>& known) {
  const auto report = lint_project(film, workspace_root, known);
  const auto& findings = report.findings();
  const auto first = std::find_if(findings.begin(), findings.end(),
                                  [](const prompt::LintFinding& f) { return f.severity == prompt::Severity::Error; });
  if (first == findings.end()) return;
  std::string where = first->source.empty() ? first->where : first->source + " " + first->where;
  std::string fix = first->fix;
  if (const int more = report.error_count() - 1; more > 0)
    fix += (fix.empty() ? "" : "; ") + std::to_string(more) + " more error(s): `shotgen lint` lists them all";
  throw Error(first->message, std::move(where), std::move(fix), first->code);
}

}  // namespace shotgen::render
