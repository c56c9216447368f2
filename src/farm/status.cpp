#include "farm/status.h"

#include <cctype>

#include "db/database.h"
#include "farm/farm_view.h"
#include "film/workspace.h"
#include "render/job_queue.h"

namespace fs = std::filesystem;

namespace shotgen::farm {
namespace {

std::string lower_case(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Whether the workspace's database holds a take of `job_id`, and the job's state (read only).
struct JobFacts {
  bool has_take = false;
  std::string state = "gone";
};

JobFacts job_facts(const std::optional<db::Database>& db, const std::string& job_id) {
  JobFacts facts;
  if (!db) return facts;
  if (const auto job = render::JobQueue(*db).find(job_id)) facts.state = render::job_state_name(job->state);
  auto take = db->prepare("SELECT COUNT(*) FROM takes WHERE job_id = ?1");
  take.bind(1, job_id);
  facts.has_take = take.step() && take.integer(0) > 0;
  return facts;
}

TaskStatus status_of(const TaskView& task, const std::optional<db::Database>& db) {
  TaskStatus status{task.run,
                    task.entry.id,
                    task.entry.shot_id,
                    task.entry.take_index + 1,
                    "",
                    "",
                    task.phase == TaskPhase::Active || task.phase == TaskPhase::Finishing};
  switch (task.phase) {
    case TaskPhase::Active:
      status.state = lower_case(task.scheduler->state);
      status.detail = task.scheduler->reason == "None" ? "" : task.scheduler->reason;
      return status;
    case TaskPhase::Finishing: status.state = "finishing"; return status;
    case TaskPhase::Unknown: status.state = "unknown"; return status;
    case TaskPhase::Ended:
      status.state = "ended";
      status.detail = (task.scheduler ? "Slurm: " + task.scheduler->state : std::string("no longer known to Slurm")) +
                      "; the next `shotgen farm collect` records it as lost";
      return status;
    case TaskPhase::Recorded: break;
  }
  const TaskResult& record = *task.record;
  if (record.outcome != TaskOutcome::Done) {
    status.state = std::string(task_outcome_name(record.outcome));
    status.detail = record.reason;
    return status;
  }
  if (!task.settled) {
    status.state = "finished";
    status.detail = "on " + record.host + " (" + record.device + "); `shotgen farm collect` brings it home";
    return status;
  }
  const JobFacts facts = job_facts(db, task.entry.id);
  status.state = facts.has_take ? "collected" : "skipped";
  if (!facts.has_take) status.detail = "its job is " + facts.state;
  return status;
}

}  // namespace

int FarmStatus::active() const {
  int count = 0;
  for (const auto& task : tasks) count += task.active ? 1 : 0;
  return count;
}

FarmStatus farm_status(const fs::path& workspace_root, Scheduler& scheduler) {
  const auto workspace = film::Workspace::open(workspace_root);
  const FarmView view = view_farm(workspace.root(), scheduler, /*settled_too=*/true,
                                  /*tolerate_scheduler_failure=*/true);
  std::optional<db::Database> db;
  if (fs::exists(workspace.database())) db = db::Database::open(workspace.database(), db::Database::Mode::ReadOnly);

  FarmStatus status;
  status.shared_dir = view.folder.root();
  status.scheduler_problem = view.scheduler_problem;
  for (const auto& submission : view.state.submissions)
    status.submissions.push_back({submission.slurm_job_id,
                                  submission.manifest_id,
                                  submission.submitted_at,
                                  submission.tasks,
                                  submission.cancelled,
                                  {}});
  for (const auto& task : view.tasks) {
    TaskStatus task_status = status_of(task, db);
    ++status.submissions[task.submission].states[task_status.state];
    ++status.states[task_status.state];
    status.tasks.push_back(std::move(task_status));
  }
  return status;
}

nlohmann::json to_json(const FarmStatus& status) {
  nlohmann::json submissions = nlohmann::json::array();
  for (const auto& s : status.submissions)
    submissions.push_back({{"slurm_job_id", s.slurm_job_id},
                           {"manifest_id", s.manifest_id},
                           {"submitted_at", s.submitted_at},
                           {"tasks", s.tasks},
                           {"cancelled", s.cancelled},
                           {"states", s.states}});
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : status.tasks)
    tasks.push_back({{"run", t.run},
                     {"job", t.job_id},
                     {"shot", t.shot_id},
                     {"take", t.take},
                     {"state", t.state},
                     {"detail", t.detail}});
  nlohmann::json out = {{"shared_dir", status.shared_dir.string()},
                        {"submissions", submissions},
                        {"tasks", tasks},
                        {"states", status.states},
                        {"active", status.active()}};
  out["scheduler_problem"] =
      status.scheduler_problem ? nlohmann::json(*status.scheduler_problem) : nlohmann::json(nullptr);
  return out;
}

}  // namespace shotgen::farm
