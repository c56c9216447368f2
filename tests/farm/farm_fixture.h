#pragma once
// Shared by the farm tests: a workspace with fake backends (render/render_fixture.h), a scheduler
// test double that records what it is asked and answers what the test says, and a "node" that
// runs the real worker on the fake backends.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "db/migrations.h"
#include "farm/farm_state.h"
#include "farm/manifest.h"
#include "farm/scheduler.h"
#include "farm/shared_folder.h"
#include "farm/submitter.h"
#include "farm/worker.h"
#include "render/render_fixture.h"

namespace shotgen::farm::testing {

namespace fs = std::filesystem;
using render::testing::FakeBackend;
using render::testing::FilmSpec;
using shotgen::testing::TempDir;

// A scheduler double: job ids 100, 101, ...; tasks() answers `known`; everything asked is kept.
class FakeScheduler : public Scheduler {
 public:
  std::string submit_array(const std::vector<std::string>& sbatch_args) override {
    submitted.push_back(sbatch_args);
    return std::to_string(100 + submitted.size() - 1);
  }
  std::vector<SchedulerTask> tasks(const std::vector<std::string>& job_ids) override {
    ++task_queries;
    if (unreachable) throw Error("squeue failed (exit 1): cannot reach slurmctld", "squeue", "", "slurm-failed");
    std::vector<SchedulerTask> out;
    for (const auto& task : known)
      for (const auto& id : job_ids)
        if (task.job_id == id) out.push_back(task);
    return out;
  }
  void cancel(const std::vector<std::string>& job_ids) override { cancelled.push_back(job_ids); }

  // Says array task `index` of job `job_id` is in `state`.
  void set(const std::string& job_id, int index, const std::string& state) {
    for (auto& task : known)
      if (task.job_id == job_id && task.index == index) {
        task.state = state;
        return;
      }
    known.push_back({job_id, index, state, ""});
  }

  std::vector<std::vector<std::string>> submitted;
  std::vector<std::vector<std::string>> cancelled;
  std::vector<SchedulerTask> known;
  int task_queries = 0;
  bool unreachable = false;
};

// A film workspace whose jobs render on fake `final` and `turbo` backends.
struct FarmHarness {
  TempDir dir;
  fs::path root;
  std::shared_ptr<FakeBackend> final_backend = std::make_shared<FakeBackend>("final");
  std::shared_ptr<FakeBackend> turbo_backend =
      std::make_shared<FakeBackend>("turbo", std::array<std::uint8_t, 3>{40, 40, 200}, true);
  render::BackendRegistry registry;
  FakeScheduler scheduler;

  explicit FarmHarness(const FilmSpec& spec = {}) : root(render::testing::make_workspace(dir.path() / "ws", spec)) {
    registry.add(final_backend);
    registry.add(turbo_backend);
  }

  SubmitOptions options(bool all = true) const {
    SubmitOptions options;
    options.plan.all = all;
    options.binary = "/opt/shotgen/bin/shotgen";
    options.model_dir = dir.path() / "model";
    return options;
  }
  SubmitReport submit(bool all = true) { return submit_to_farm(root, options(all), registry, scheduler); }

  FarmState state() const { return *load_farm_state(root); }
  SharedFolder folder() const { return SharedFolder::open(state().shared_dir, state().workspace_id); }
  Manifest manifest(std::size_t submission) const {
    return load_manifest(folder().manifest(state().submissions.at(submission).manifest_id));
  }

  // Runs task `index` of submission `submission` as a node would, and tells the scheduler it ended;
  // returns the records of its jobs.
  std::vector<TaskResult> run_task_jobs(std::size_t submission, int index,
                                        const std::string& final_state = "COMPLETED") {
    const auto sub = state().submissions.at(submission);
    const WorkContext context{run_name(sub.slurm_job_id, index), "node7", [] { return std::string("cpu"); }};
    auto results = work_on_task(folder().manifest(sub.manifest_id), index, registry, context);
    scheduler.set(sub.slurm_job_id, index, final_state);
    return results;
  }
  // The same for a task of one job (the default): its record.
  TaskResult run_task(std::size_t submission, int index, const std::string& final_state = "COMPLETED") {
    auto results = run_task_jobs(submission, index, final_state);
    if (results.size() != 1)
      throw std::logic_error("run_task: the task rendered " + std::to_string(results.size()) + " jobs");
    return results.front();
  }
  void run_all(std::size_t submission) {
    for (int i = 0; i < state().submissions.at(submission).tasks; ++i) run_task(submission, i);
  }

  db::Database database() const { return db::open_project_database(root / "shotgen.db"); }
  int count(const std::string& sql) const {
    auto db = database();
    auto stmt = db.prepare(sql);
    stmt.step();
    return stmt.integer(0);
  }
};

}  // namespace shotgen::farm::testing
