// shotgen queue / cancel / retry: the render queue in the project database (render/job_queue.h).
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/one_line.h"
#include "core/error.h"
#include "core/nearest_name.h"
#include "db/migrations.h"
#include "film/workspace.h"
#include "render/job_queue.h"

namespace shotgen::cli {
namespace {

// A job's error can be a library's multi-kilobyte trace; the listing keeps one line per job.
constexpr std::size_t kNoteChars = 160;

// The --state filter, checked before the database is opened.
render::JobState state_filter(const std::string& name) {
  std::vector<std::string> names;
  for (auto state : {render::JobState::Queued, render::JobState::Running, render::JobState::Done,
                     render::JobState::Failed, render::JobState::Cancelled}) {
    if (render::job_state_name(state) == name) return state;
    names.emplace_back(render::job_state_name(state));
  }
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  const auto near = nearest_match(name, names);
  const std::string guess = near && is_plausible_typo(name, *near) ? "did you mean '" + near->name + "'? " : "";
  throw shotgen::Error("unknown job state '" + name + "'", "--state", guess + "use one of " + all, "unknown-value");
}

db::Database open_database(const GlobalOptions& global) {
  auto workspace = film::Workspace::open(global.workspace_path());
  return db::open_project_database(workspace.database());
}

void print_jobs(const std::vector<render::Job>& jobs) {
  if (jobs.empty()) {
    std::cout << "the queue is empty\n";
    return;
  }
  std::cout << std::left << std::setw(14) << "JOB" << std::setw(10) << "STATE" << std::setw(18) << "SHOT"
            << std::setw(6) << "TAKE" << std::setw(8) << "BACKEND" << std::setw(9) << "ATTEMPTS"
            << "NOTE\n";
  for (const auto& job : jobs) {
    std::cout << std::left << std::setw(14) << job.id.substr(0, 12) << std::setw(10)
              << render::job_state_name(job.state) << std::setw(18) << job.shot_id << std::setw(6)
              << job.take_index + 1 << std::setw(8) << job.backend << std::setw(9)
              << (std::to_string(job.attempts) + "/" + std::to_string(job.max_attempts))
              << (job.state == render::JobState::Running
                      ? "lease " + job.lease_owner.value_or("")
                      : one_line(job.error.value_or(""), kNoteChars, "`shotgen queue --json` shows all"))
              << "\n";
  }
}

}  // namespace

void setup_queue(CLI::App& app, const GlobalOptions& global) {
  auto json = std::make_shared<bool>(false);
  auto state = std::make_shared<std::string>();
  auto* queue = app.add_subcommand("queue", "List the render jobs and their states");
  queue->add_flag("--json", *json, "Print the jobs as a JSON array");
  queue->add_option("--state", *state, "Only jobs in this state (queued, running, done, failed, cancelled)");
  queue->callback([&global, json, state] {
    std::optional<render::JobState> filter;
    if (!state->empty()) filter = state_filter(*state);
    auto db = open_database(global);
    const auto jobs = render::JobQueue(db).list(filter);
    if (*json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& job : jobs) out.push_back(render::to_json(job));
      std::cout << out.dump(2) << "\n";
    } else {
      print_jobs(jobs);
    }
  });

  auto cancel_id = std::make_shared<std::string>();
  auto cancel_all = std::make_shared<bool>(false);
  auto* cancel = app.add_subcommand("cancel", "Cancel a queued or running job, or all of them");
  cancel->add_option("job", *cancel_id, "Job id (or a unique prefix, as `shotgen queue` shows)");
  cancel->add_flag("--all", *cancel_all, "Cancel every queued or running job");
  cancel->callback([&global, cancel_id, cancel_all] {
    if (cancel_id->empty() == !*cancel_all)
      throw shotgen::Error("give either a job id or --all", "shotgen cancel", "e.g. `shotgen cancel --all`");
    auto db = open_database(global);
    render::JobQueue jobs(db);
    std::optional<std::string> id;
    if (!*cancel_all) id = jobs.resolve(*cancel_id).id;
    const int count = jobs.cancel(id, "cancelled by the user");
    std::cout << "cancelled " << count << " job(s)\n";
  });

  auto retry_id = std::make_shared<std::string>();
  auto retry_failed = std::make_shared<bool>(false);
  auto* retry = app.add_subcommand("retry", "Queue a failed or cancelled job again, or every failed job");
  retry->add_option("job", *retry_id, "Job id (or a unique prefix)");
  retry->add_flag("--failed", *retry_failed, "Queue every failed job again");
  retry->callback([&global, retry_id, retry_failed] {
    if (retry_id->empty() == !*retry_failed)
      throw shotgen::Error("give either a job id or --failed", "shotgen retry", "e.g. `shotgen retry --failed`");
    auto db = open_database(global);
    render::JobQueue jobs(db);
    std::optional<std::string> id;
    if (!*retry_failed) id = jobs.resolve(*retry_id).id;
    const int count = jobs.retry(id);
    std::cout << "queued " << count << " job(s) again; `shotgen render` (no shots) renders the queue\n";
  });
}

}  // namespace shotgen::cli
