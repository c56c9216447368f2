#include "farm/collector.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "farm/farm_view.h"
#include "farm/worker.h"
#include "film/workspace.h"
#include "media/mp4_retag.h"
#include "media/png.h"
#include "media/video_reader.h"
#include "render/generation_parameters.h"
#include "render/job_queue.h"
#include "render/take_adoption.h"
#include "render/take_files.h"
#include "render/take_store.h"
#include "render/take_tags.h"

namespace fs = std::filesystem;

namespace shotgen::farm {
namespace {

constexpr std::int64_t kCollectLeaseMs = 60'000;

// Seconds of a "2025-01-31T12:00:00.123456Z" timestamp since the epoch.
std::optional<double> epoch_seconds(const std::string& timestamp) {
  std::tm tm{};
  double seconds = 0;
  if (std::sscanf(timestamp.c_str(), "%d-%d-%dT%d:%d:%lfZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &seconds) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(::timegm(&tm)) + seconds;
}

std::string last_line_of(const fs::path& log) {
  std::error_code ec;
  if (!fs::is_regular_file(log, ec)) return {};
  std::string text = read_file(log);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text.substr(text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1);
}

std::string task_label(const TaskView& task) {
  return "shot " + task.entry.shot_id + " take " + std::to_string(task.entry.take_index + 1) + " (task " + task.run +
         ")";
}

// The record collect writes for a task that ended without one.
TaskResult lost_record(const TaskView& task, const Manifest& manifest, const Submission& submission,
                       const SharedFolder& folder) {
  TaskResult lost;
  lost.manifest_id = manifest.id;
  lost.job_id = task.entry.id;
  lost.run = task.run;
  lost.outcome = TaskOutcome::Lost;
  lost.host = this_host();
  lost.finished_at = db::now_timestamp();
  std::string state = task.scheduler ? task.scheduler->state : std::string("no longer known to Slurm");
  if (task.scheduler && !task.scheduler->reason.empty() && task.scheduler->reason != "None")
    state += ", " + task.scheduler->reason;
  lost.reason = "Slurm task " + task.run + " ended without a result (" + state + ")";
  if (submission.cancelled) lost.reason += "; cancelled by `shotgen farm cancel`";
  if (const auto line = last_line_of(folder.log(task.run)); !line.empty()) lost.reason += "; its log ends: " + line;
  return lost;
}

// Why a done record cannot become a take, or nullopt when its files are whole.
std::optional<std::string> damaged_files(const TaskView& task, const render::RenderParams& params,
                                         const SharedFolder& folder) {
  const TaskResult& r = *task.record;
  const std::string stem = task.entry.output + "." + task.run;
  if (r.mp4 != stem + ".mp4" || r.poster != stem + ".png")
    return "the record names files other than " + stem + ".mp4/.png";
  if (r.model != params.model) return "rendered with model " + r.model + ", the job wants " + params.model;
  for (const auto& [file, sha] : {std::pair{r.mp4, r.mp4_sha256}, std::pair{r.poster, r.poster_sha256}}) {
    std::error_code ec;
    if (!fs::is_regular_file(folder.file(file), ec)) return "take file " + file + " is missing";
    if (sha256_hex(read_file(folder.file(file))) != sha) return "take file " + file + " does not match its SHA-256";
  }
  return std::nullopt;
}

// Temporary files killed tasks left in the shared folder's takes/ (no task of the workspace can
// still be writing when every submission is settled).
void remove_node_temp_files(const SharedFolder& folder) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(folder.takes_dir(), ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    if (is_temp_file_name(it->path().filename().string())) fs::remove(it->path(), ec);
}

class Collector {
 public:
  Collector(const film::Workspace& workspace, FarmView& view, db::Database& db, CollectReport& report)
      : workspace_(workspace),
        view_(view),
        db_(db),
        queue_(db),
        report_(report),
        owner_(render::LeaseOwner::this_process()) {}

  // A done record: true when the task is settled (a take recorded, or its job no longer queued);
  // false with `problem` set when its files cannot become a take.
  bool ingest(const TaskView& task, std::string& problem) {
    const Manifest& manifest = view_.manifests.at(view_.state.submissions[task.submission].manifest_id);
    const auto job = queue_.find(task.entry.id);
    if (!job || job->state != render::JobState::Queued) {
      ++report_.skipped;
      report_.notes.push_back(task_label(task) + ": result not collected, its job is " +
                              (job ? std::string(render::job_state_name(job->state)) : std::string("gone")));
      return true;
    }
    const auto params = render::RenderParams::from_json(job->params_json);
    if (auto damage = damaged_files(task, params, view_.folder)) {
      problem = *damage;
      return false;
    }
    const TaskResult& r = *task.record;
    // The take record a local render would write: the node's part (prompts, seed, backend, model,
    // parameters, analysis, status and re-route reason), the revisions the prompts were assembled
    // from at submit time, the timings, and a number given here, as a local render numbers takes.
    db::TakeRecord take = provisional_take(task.entry, r);
    take.style_revision_id = manifest.style_revision_id;
    take.negative_revision_id = manifest.negative_revision_id;
    nlohmann::json timings = {
        {"model_s", r.timings.value("model_s", 0.0)},
        {"batch_model_s", r.timings.value("model_s", 0.0)},
        {"batch_size", 1},
        {"encode_s", r.timings.value("encode_s", 0.0)},
        {"farm",
         {{"run", r.run}, {"host", r.host}, {"device", r.device}, {"total_s", r.timings.value("total_s", 0.0)}}}};
    const auto submitted = epoch_seconds(manifest.created_at), started = epoch_seconds(r.started_at);
    timings["queue_wait_s"] = submitted && started ? std::max(0.0, *started - *submitted) : 0.0;
    take.timings_json = timings.dump();
    const std::optional<render::NewJob> next_job =
        take.status == db::TakeStatus::Rejected ? reroute_job_of(task.entry) : std::nullopt;
    take.take_number = render::next_take_number(workspace_.root(), db_, job->shot_id);
    const render::TakePaths paths = render::take_paths(job->shot_id, take.take_number, job->id);
    take.mp4_path = paths.mp4;
    take.poster_path = paths.poster;
    const fs::path mp4 = workspace_.root() / paths.mp4;
    const fs::path poster = workspace_.root() / paths.poster;
    const auto remove_copies = [&] {
      std::error_code ec;
      fs::remove(mp4, ec);
      fs::remove(poster, ec);
    };
    try {
      std::error_code ec;
      fs::create_directories(mp4.parent_path(), ec);
      if (ec || !fs::is_directory(mp4.parent_path()))
        throw Error(ErrorKind::Io, "cannot create the take folder: " + (ec ? ec.message() : "not a directory"),
                    mp4.parent_path().string(), "make sure renders/ is a writable folder with free space");
      // Copied (the shared folder is usually another filesystem) with the final record's tags and
      // poster text, the pictures as the node encoded them; each file appears complete or not at all.
      media::copy_mp4_with_tags(view_.folder.file(r.mp4), mp4, render::take_tags(take, manifest.film.title));
      media::write_png(poster, media::read_png(view_.folder.file(r.poster)), {{"parameters", render::a1111_parameters(take)}});
      if (media::probe_video(mp4).frames < 1) throw Error(ErrorKind::Corrupt, "holds no video frames", paths.mp4);
    } catch (const std::exception& e) {
      remove_copies();
      problem = std::string("the take cannot be copied into the workspace: ") + e.what();
      return false;
    }

    bool recorded = false;
    try {
      // Claim and record in one transaction: the job is never left running under collect.
      db::Transaction tx(db_);
      if (!queue_.claim_batch({job->id}, owner_, 1, kCollectLeaseMs).empty() &&
          render::record_finished_take(db_, owner_, take, next_job)) {
        tx.commit();
        recorded = true;
      }
    } catch (...) {
      remove_copies();
      throw;
    }
    if (!recorded) {
      remove_copies();
      ++report_.skipped;
      return true;
    }
    ++report_.collected;
    if (next_job) ++report_.rerouted;
    return true;
  }

  // A failed or lost task: its job's attempt fails with the reason (one transaction), unless
  // the job is no longer queued (another run of it was collected meanwhile).
  void fail(const TaskView& task, const std::string& reason, bool retryable) {
    db::Transaction tx(db_);
    if (!queue_.claim_batch({task.entry.id}, owner_, 1, kCollectLeaseMs).empty())
      queue_.fail_attempt(task.entry.id, owner_, "farm task " + task.run + ": " + reason, retryable);
    tx.commit();
  }

 private:
  const film::Workspace& workspace_;
  FarmView& view_;
  db::Database& db_;
  render::JobQueue queue_;
  CollectReport& report_;
  render::LeaseOwner owner_;
};

}  // namespace

CollectReport collect_from_farm(const fs::path& workspace_root, Scheduler& scheduler) {
  const auto workspace = film::Workspace::open(workspace_root);
  CollectReport report;
  FarmView view = view_farm(workspace.root(), scheduler, /*settled_too=*/false, /*tolerate_scheduler_failure=*/true);
  report.scheduler_problem = view.scheduler_problem;
  if (view.tasks.empty()) return report;

  auto db = db::open_project_database(workspace.database());
  render::RenderLock lock(workspace.root());
  // The recovery a render starts with: a collect killed mid-way leaves what a killed render does
  // (a take renamed into place before its commit is recorded from its tags; render/take_adoption.h).
  render::JobQueue(db).recover_dead(render::LeaseOwner::this_process(), render::now_unix_ms());
  render::remove_dead_temp_files(workspace.renders_dir());
  const db::ProjectStore store(db);
  report.adopted = static_cast<int>(
      render::adopt_take_files(workspace.root(), store, render::AdoptionScope::InterruptedCommits).adopted.size());

  Collector collector(workspace, view, db, report);
  FarmState settled = view.state;
  struct Failure {
    const TaskView* task;
    std::string reason;
    bool retryable;
  };
  std::vector<Failure> failures;
  // Takes first: a job whose earlier run was lost and whose later run finished ends done.
  for (const auto& task : view.tasks) {
    if (task.phase != TaskPhase::Recorded || task.record->outcome != TaskOutcome::Done) continue;
    std::string problem;
    if (collector.ingest(task, problem))
      settled.submissions[task.submission].settled.insert(static_cast<int>(task.position));
    else
      failures.push_back({&task, problem, true});
  }
  for (auto& task : view.tasks) {
    const Submission& submission = view.state.submissions[task.submission];
    switch (task.phase) {
      case TaskPhase::Active:
      case TaskPhase::Finishing: ++report.waiting; continue;
      case TaskPhase::Unknown: ++report.unknown; continue;
      case TaskPhase::Ended:
        task.record = lost_record(task, view.manifests.at(submission.manifest_id), submission, view.folder);
        write_task_result(view.folder, *task.record);
        break;
      case TaskPhase::Recorded:
        if (task.record->outcome == TaskOutcome::Done) continue;
        break;
    }
    if (submission.cancelled) {
      settled.submissions[task.submission].settled.insert(static_cast<int>(task.position));
      continue;  // the user stopped it: not a failure of the job
    }
    failures.push_back({&task, task.record->reason, task.record->retryable});
  }
  // Failures are settled in the farm record before the database counts them, so a collect killed
  // in between never counts one twice.
  for (const auto& failure : failures) {
    settled.submissions[failure.task->submission].settled.insert(static_cast<int>(failure.task->position));
    report.notes.push_back(task_label(*failure.task) + ": " + failure.reason);
  }
  report.failed = static_cast<int>(failures.size());
  if (!(settled == view.state)) save_farm_state(workspace.root(), settled);
  for (const auto& failure : failures) collector.fail(*failure.task, failure.reason, failure.retryable);

  const bool all_settled = std::all_of(settled.submissions.begin(), settled.submissions.end(),
                                       [](const Submission& s) { return s.finished(); });
  if (all_settled) remove_node_temp_files(view.folder);  // left by killed tasks
  return report;
}

}  // namespace shotgen::farm
