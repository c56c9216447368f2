// shotgen audit: checks that every stored render carried the style block and the negative block,
// and that every finished take was finished with the [finish] block film.toml gives it now.
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "db/audit.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "finish/take_finishing.h"

namespace shotgen::cli {
namespace {

// The finishing half of the audit: takes whose finishing is not what film.toml's [finish] gives.
struct FinishAudit {
  std::vector<finish::OutdatedFinish> outdated;
  std::string note;  // why finishing was not checked, if it was not
};

FinishAudit audit_finishing(const std::filesystem::path& workspace, const db::ProjectStore& store) {
  const auto film_toml = workspace / "film.toml";
  if (!std::filesystem::exists(film_toml)) return {{}, "no film.toml: finishing was not checked"};
  auto checked = film::check_film_file(film_toml);
  if (!checked.film) return {{}, "film.toml does not load (see `shotgen lint`): finishing was not checked"};
  return {finish::outdated_finishes(workspace, *checked.film, store), {}};
}

nlohmann::json outdated_json(const FinishAudit& finishing) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& o : finishing.outdated)
    out.push_back({{"take_id", o.take.id}, {"shot", o.take.shot_id}, {"take", o.take.take_number}, {"reason", o.reason}});
  return out;
}

void print_finishing(const FinishAudit& finishing) {
  if (!finishing.note.empty()) {
    std::cout << "note: " << finishing.note << "\n";
    return;
  }
  std::cout << finishing.outdated.size() << " take(s) finished with an outdated [finish] block\n";
  for (const auto& o : finishing.outdated)
    std::cout << "  take " << o.take.id << " (shot " << o.take.shot_id << ", take " << o.take.take_number << "): "
              << o.reason << " (`shotgen finish " << o.take.shot_id << ":" << o.take.take_number << "`)\n";
}

nlohmann::json report_json(const db::AuditReport& report) {
  nlohmann::json offending = nlohmann::json::array();
  for (const auto& take : report.offending) {
    nlohmann::json findings = nlohmann::json::array();
    for (auto finding : take.findings) findings.push_back(std::string(db::audit_finding_name(finding)));
    offending.push_back({{"take_id", take.take_id},
                         {"shot", take.shot_id},
                         {"take", take.take_index},
                         {"findings", findings},
                         {"missing_terms", take.missing_terms}});
  }
  return {{"total", report.total},
          {"ok", report.ok},
          {"missing_style", report.missing_style},
          {"missing_negative", report.missing_negative},
          {"stale_style_revision", report.stale_style_revision},
          {"stale_negative_revision", report.stale_negative_revision},
          {"offending", offending}};
}

void print_text(const db::AuditReport& report) {
  std::cout << "audited " << report.total << " render" << (report.total == 1 ? "" : "s") << ": " << report.ok
            << " ok, " << report.missing_style << " missing the style block, " << report.missing_negative
            << " missing negative terms, " << report.stale_style_revision << " with an outdated style revision, "
            << report.stale_negative_revision << " with an outdated negative revision\n";
  for (const auto& take : report.offending) {
    std::cout << "  take " << take.take_id << " (shot " << take.shot_id << ", take " << take.take_index << "):";
    for (auto finding : take.findings) std::cout << " " << db::audit_finding_name(finding);
    if (!take.missing_terms.empty()) {
      std::cout << " [missing:";
      for (const auto& term : take.missing_terms) std::cout << " '" << term << "'";
      std::cout << "]";
    }
    std::cout << "\n";
  }
}

}  // namespace

void setup_audit(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("audit", "Check every stored render for the style block and the negative block");
  auto as_json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *as_json, "Print the report as JSON");
  cmd->callback([&global, as_json] {
    const auto db_path = global.workspace_path() / "shotgen.db";
    // A workspace that was never synced has no renders: audit an empty database, create no file.
    const bool has_database = std::filesystem::exists(db_path);
    auto database = has_database ? db::open_project_database(db_path) : db::Database::open_in_memory();
    if (!has_database) db::migrate(database);
    const db::ProjectStore store(database);
    const auto report = db::audit(store);
    const auto finishing = audit_finishing(global.workspace_path(), store);
    if (*as_json) {
      auto json = report_json(report);
      json["outdated_finish"] = outdated_json(finishing);
      if (!finishing.note.empty()) json["finish_note"] = finishing.note;
      std::cout << json.dump(2) << "\n";
    } else {
      print_text(report);
      print_finishing(finishing);
    }
    if (!report.clean() || !finishing.outdated.empty()) throw ExitCode{kExitFindings};
  });
}

}  // namespace shotgen::cli
