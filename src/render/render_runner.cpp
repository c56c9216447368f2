#include "render/render_runner.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "analyze/clip_analysis.h"
#include "core/error.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "finish/finish_plan.h"
#include "prompt/assembler.h"
#include "render/blank_frames.h"
#include "render/job_planner.h"
#include "render/job_queue.h"
#include "render/lease_heartbeat.h"
#include "render/look_match.h"
#include "render/project_lint.h"
#include "render/reference_images.h"
#include "render/reroute.h"
#include "render/run_state.h"
#include "render/take_adoption.h"
#include "render/take_files.h"
#include "render/take_store.h"
#include "render/take_writer.h"

namespace fs = std::filesystem;

namespace shotgen::render {
namespace {

// The generating thread of a run: claims batches, generates them and hands each clip to the
// TakeWriter (take_writer.h), while the Heartbeat (lease_heartbeat.h) keeps the claimed jobs' leases.
class Runner {
 public:
  Runner(const fs::path& root, const fs::path& db_path, const film::Film& film, const ReferenceImages& references,
         db::Database& db, const RenderRequest& request, BackendRegistry& registry, engine::CancelToken* cancel,
         const RenderOptions& options, RunState& state, RenderSummary& summary)
      : root_(root),
        db_path_(db_path),
        film_(film),
        references_(references),
        db_(db),
        queue_(db),
        store_(db),
        request_(request),
        registry_(registry),
        cancel_(cancel),
        options_(options),
        state_(state),
        summary_(summary),
        owner_(LeaseOwner::this_process()),
        batch_cap_(std::max(1, request.max_batch)),
        run_start_(RunClock::now()),
        finish_planner_(film, root) {}

  void run(std::vector<std::string> candidates) {
    candidates_ = std::move(candidates);
    style_revision_id_ = store_.current_style_revision().id;
    negative_revision_id_ = store_.current_negative_revision().id;
    Heartbeat heartbeat(db_path_, owner_, options_.lease_ms);
    auto finisher = finish::Finisher::open(options_.finish_device, options_.note);
    TakeWriter writer(root_, db_path_, film_, owner_, options_, state_, finisher);
    writer_ = &writer;
    while (true) {
      if (cancel_ && cancel_->is_cancelled()) {
        summary_.interrupted = true;
        break;
      }
      auto batch = queue_.claim_batch(candidates_, owner_, batch_cap_, options_.lease_ms);
      if (batch.empty()) {
        // A re-route job is inserted by the writer thread: let it finish before concluding.
        writer.wait_idle();
        batch = queue_.claim_batch(candidates_, owner_, batch_cap_, options_.lease_ms);
        if (batch.empty()) break;
      }
      if (!run_batch(batch)) break;
    }
    writer.wait_idle();
    writer.stop();
    writer_ = nullptr;
  }

 private:
  void fail(const Job& job, const std::string& reason, bool retryable, ErrorKind kind = ErrorKind::General) {
    const auto next = queue_.fail_attempt(job.id, owner_, reason, retryable);
    if (next == JobState::Queued) {
      state_.report(job_event(ProgressKind::Retrying, job, reason));
      return;
    }
    state_.update([&](RenderSummary& s) {
      ++s.failed;
      s.failures.push_back({job.shot_id + " take " + std::to_string(job.take_index + 1) + ": " + reason, kind});
    });
    state_.report(job_event(ProgressKind::Failed, job, reason), true);
  }

  // Builds the backend's view of a job; nullopt (job failed or cancelled) when it cannot run.
  std::optional<TakeContext> context_for(const Job& job, const Backend& backend) {
    const film::Shot* shot = film_.find_shot(job.shot_id);
    if (!shot) {
      queue_.mark_cancelled({job.id}, owner_, "shot is no longer in film.toml");
      state_.update([](RenderSummary& s) { ++s.cancelled; });
      state_.report(job_event(ProgressKind::Cancelled, job, "shot is no longer in film.toml"), true);
      return std::nullopt;
    }
    try {
      TakeContext c;
      c.job = job;
      c.created_at = db::now_timestamp();
      const auto prompt = prompt::assemble_prompt(film_, *shot, backend.caps());
      if (prompt::generation_hash(prompt, job.backend, job.params_json, job.seed) != job.prompt_hash) {
        const std::string why = "stale: the shot's prompt or settings changed since it was queued; render the shot again";
        queue_.mark_cancelled({job.id}, owner_, why);
        state_.update([](RenderSummary& s) { ++s.cancelled; });
        state_.report(job_event(ProgressKind::Cancelled, job, why), true);
        return std::nullopt;
      }
      c.spec.job_id = job.id;
      c.spec.shot_id = job.shot_id;
      c.spec.take_index = job.take_index;
      c.spec.positive = prompt.positive();
      c.spec.negative = prompt.negative();
      c.spec.seed = job.seed;
      c.spec.params = RenderParams::from_json(job.params_json);
      for (const auto& id : shot->references) {
        const auto image = references_.find(id);
        if (image == references_.end())  // the shot changed since the run loaded its references
          throw Error("reference '" + id + "' was not loaded", "shot " + shot->id, "render the shot again");
        c.spec.references.push_back({image->second, film_.find_reference(id)->ignore});
      }
      c.negative_terms = prompt.negative_terms();
      c.finish_plan = finish_planner_.plan(*shot);
      c.style_revision_id = style_revision_id_;
      c.negative_revision_id = negative_revision_id_;
      c.queue_wait_seconds = seconds_since(run_start_);
      // The take's folder must exist before any model time is spent on it.
      const fs::path folder = root_ / "renders" / shot_dir_name(job.shot_id);
      std::error_code ec;
      fs::create_directories(folder, ec);
      if (ec || !fs::is_directory(folder))
        throw Error("cannot create the take folder: " + (ec ? ec.message() : std::string("not a directory")),
                    folder.string(), "make sure renders/ is a writable folder (not a file) with free space");
      return c;
    } catch (const std::exception& e) {
      fail(job, e.what(), /*retryable=*/false);
      return std::nullopt;
    }
  }

  // The take's one analysis, of the frames the model produced (recorded with the take and shown
  // by `take list` and `shotgen analyze`), what the finishing draws where it missed (a move asked
  // and drawn static, a style or palette asked and drawn in another: finish_plan.decisions_for),
  // and the two checks that read it: the re-route, then (best of N) whether the shot needs another
  // take.
  void analyze_take(TakeContext& c, const Clip& clip) {
    const auto analysis = analyze::analyze_clip(clip);
    const nlohmann::json measured = analyze::to_json(analysis);
    c.analysis_json = measured.dump();
    c.finishing = c.finish_plan.decisions_for(c.spec.positive, analysis);
    check_negative(c, analysis);
    if (!c.next_job) queue_another_take_if_look_missed(c, measured);
  }

  // Best of N: a kept take whose look missed (render/look_match.h) queues the shot's next take, on
  // the first backend of its route as planning would, until N takes. The model's frames decide: a
  // camera move the finishing's reframe would draw still asks for another take, which may draw the
  // move itself (the take choice prefers it, take_store.h).
  void queue_another_take_if_look_missed(TakeContext& c, const nlohmann::json& measured) {
    if (!request_.best_of || c.job.take_index + 1 >= *request_.best_of) return;
    if (look_match(c.spec.positive, measured).as_asked()) return;
    const film::Shot& shot = *film_.find_shot(c.job.shot_id);
    const auto route = route_shot(film_, shot, request_.mode, request_.backend, registry_.caps());
    const int next = c.job.take_index + 1;
    NewJob job = job_for(film_, shot, next, take_seed(film_, shot, next, request_.seed),
                         registry_.get(route.backends.front()));
    const auto existing = queue_.find(job.id());
    if (existing && existing->state == JobState::Done) return;  // rendered before: planning walks on from it
    c.another_take = std::move(job);
    // Claimable once the writer has recorded this take.
    candidates_.push_back(c.another_take->id());
  }

  // The re-route check: a negative that did not bite sends the take to the next backend.
  void check_negative(TakeContext& c, const analyze::ClipAnalysis& analysis) {
    if (!has_measurable_negative(c.negative_terms)) return;
    const auto miss = negative_miss(c.negative_terms, analysis);
    if (!miss) return;
    const film::Shot& shot = *film_.find_shot(c.job.shot_id);
    const auto route = route_shot(film_, shot, request_.mode, request_.backend, registry_.caps());
    const auto here = std::find(route.backends.begin(), route.backends.end(), c.job.backend);
    if (here == route.backends.end() || here + 1 == route.backends.end()) {
      c.reroute_reason = *miss + "; no further backend on the shot's route, take kept";
      return;
    }
    c.reroute_reason = *miss;
    c.next_job = job_for(film_, shot, c.job.take_index, c.job.seed, registry_.get(*(here + 1)));
    // The next job becomes claimable once the writer has recorded this take.
    candidates_.push_back(c.next_job->id());
  }

  // Generates one claimed batch; false when the run must stop (cancelled).
  bool run_batch(std::vector<Job> batch) {
    Backend* backend = nullptr;
    try {
      backend = &registry_.get(batch.front().backend);
    } catch (const Error& e) {
      for (const auto& job : batch) fail(job, e.what(), /*retryable=*/false);
      return true;
    }
    if (static_cast<int>(batch.size()) > backend->max_batch()) {
      std::vector<std::string> extra;
      for (std::size_t i = backend->max_batch(); i < batch.size(); ++i) extra.push_back(batch[i].id);
      queue_.unclaim(extra, owner_);
      batch.resize(backend->max_batch());
    }
    std::vector<TakeContext> contexts;
    for (const auto& job : batch)
      if (auto c = context_for(job, *backend)) contexts.push_back(std::move(*c));

    while (!contexts.empty()) {
      std::vector<JobSpec> specs;
      for (const auto& c : contexts) specs.push_back(c.spec);
      const int size = static_cast<int>(specs.size());
      for (const auto& c : contexts) state_.report(job_event(ProgressKind::Started, c.job, {}, size));
      auto on_step = [&](int step, int total) {
        state_.set_batch_fraction(total > 0 ? static_cast<double>(step) / total : 0.0, size);
        for (const auto& c : contexts) {
          auto e = job_event(ProgressKind::Step, c.job, {}, size);
          e.step = step;
          e.total = total;
          state_.report(std::move(e));
        }
      };
      const auto start = RunClock::now();
      std::vector<Clip> clips;
      try {
        clips = backend->render(specs, on_step, cancel_);
      } catch (const engine::Cancelled&) {
        std::vector<std::string> ids;
        for (const auto& c : contexts) ids.push_back(c.job.id);
        const std::string why = "interrupted (Ctrl-C); run the render again to finish it";
        queue_.mark_cancelled(ids, owner_, why);
        for (const auto& c : contexts) {
          state_.update([](RenderSummary& s) { ++s.cancelled; });
          state_.report(job_event(ProgressKind::Cancelled, c.job, why), true);
        }
        state_.set_batch_fraction(0, 0);
        summary_.interrupted = true;
        return false;
      } catch (const std::exception& e) {
        state_.set_batch_fraction(0, 0);
        if (is_out_of_memory(e) && size > 1) {
          // Retry with half the batch; the other half goes back to the queue without an attempt.
          const int half = size / 2;
          std::vector<std::string> back;
          for (int i = half; i < size; ++i) back.push_back(contexts[i].job.id);
          queue_.unclaim(back, owner_);
          contexts.resize(half);
          batch_cap_ = std::max(1, std::min(batch_cap_, half));
          continue;
        }
        const bool oom = is_out_of_memory(e);
        const std::string reason = oom ? std::string("out of memory at batch size 1: ") + e.what()
                                       : std::string("backend '") + backend->name() + "' failed: " + e.what();
        for (const auto& c : contexts) fail(c.job, reason, /*retryable=*/!oom);
        return true;
      }
      const double model_seconds = seconds_since(start);
      state_.set_batch_fraction(0, 0);
      state_.update([&](RenderSummary& s) {
        s.model_seconds += model_seconds;
        ++s.batches;
      });
      if (clips.size() != contexts.size()) {
        for (const auto& c : contexts)
          fail(c.job, "backend '" + backend->name() + "' returned " + std::to_string(clips.size()) +
                          " clips for " + std::to_string(contexts.size()) + " jobs", true);
        return true;
      }
      for (std::size_t i = 0; i < contexts.size(); ++i) {
        TakeContext& c = contexts[i];
        c.batch_model_seconds = model_seconds;
        c.batch_size = size;
        if (clips[i].frames.empty()) {
          fail(c.job, "backend '" + backend->name() + "' returned an empty clip", true);
          continue;
        }
        // No picture (NaN output, an out-of-range setting): the same job would fail the same way.
        if (auto blank = blank_frames_problem(clips[i], "backend '" + backend->name() + "'")) {
          fail(c.job, blank->message(), /*retryable=*/false, blank->kind);
          continue;
        }
        try {
          analyze_take(c, clips[i]);
        } catch (const std::exception& e) {
          fail(c.job, std::string("analysis of the take failed: ") + e.what(), false);
          continue;
        }
        writer_->submit({std::move(c), std::move(clips[i])});
      }
      return true;
    }
    return true;
  }

  fs::path root_;
  fs::path db_path_;
  const film::Film& film_;
  const ReferenceImages& references_;
  db::Database& db_;
  JobQueue queue_;
  db::ProjectStore store_;
  const RenderRequest& request_;
  BackendRegistry& registry_;
  engine::CancelToken* cancel_;
  RenderOptions options_;
  RunState& state_;
  RenderSummary& summary_;
  LeaseOwner owner_;
  int batch_cap_;
  RunClock::time_point run_start_;
  std::vector<std::string> candidates_;
  std::int64_t style_revision_id_ = 0;
  std::int64_t negative_revision_id_ = 0;
  finish::FinishPlanner finish_planner_;
  TakeWriter* writer_ = nullptr;
};

}  // namespace

RenderSummary render_shots(const fs::path& workspace_root, const RenderRequest& request, BackendRegistry& registry,
                           ProgressSink* progress, engine::CancelToken* cancel, const RenderOptions& options) {
  const auto start = RunClock::now();
  RenderSummary summary;
  RunState state(progress, summary);
  const auto workspace = film::Workspace::open(workspace_root);
  const auto film = film::load_film_file(workspace.film_toml());
  validate_routing(film, registry.caps(), request.backend);
  require_lint_clean(film, workspace.root(), registry.caps());  // what lint rejects is never synced
  const bool run_queue = request.shots.empty() && !request.scene && !request.all;
  // Bad input stops the run before the database changes: the selection and its references.
  std::vector<const film::Shot*> shots;
  ReferenceImages references;
  if (!run_queue) {
    shots = select_shots(film, request);
    references = load_reference_images(workspace.root(), film, shots);
  }
  auto db = db::open_project_database(workspace.database());
  db::ProjectStore store(db);
  store.sync(film);

  RenderLock lock(workspace.root());
  JobQueue queue(db);
  summary.recovered_jobs = static_cast<int>(queue.recover_dead(LeaseOwner::this_process(), now_unix_ms()).size());
  summary.removed_files = static_cast<int>(remove_dead_temp_files(workspace.renders_dir()).size());
  summary.adopted_takes = static_cast<int>(
      adopt_take_files(workspace.root(), store, AdoptionScope::InterruptedCommits).adopted.size());
  summary.unknown_files = unknown_take_files(workspace.root(), db);

  std::vector<std::string> candidates;
  if (run_queue) {
    summary.bad_takes = static_cast<int>(repair_bad_takes(workspace.root(), store).size());
    references = load_reference_images(workspace.root(), film, shots_with_queued_jobs(film, db));
    candidates = queued_jobs_in_story_order(film, queue);
    state.set_total(static_cast<int>(candidates.size()), 0);
  } else {
    std::vector<std::string> ids;
    for (const auto* shot : shots) ids.push_back(shot->id);
    summary.bad_takes = static_cast<int>(repair_bad_takes(workspace.root(), store, ids).size());
    const Plan plan = plan_jobs(film, shots, request, registry, queue);
    state.set_total(static_cast<int>(plan.job_ids.size()) + plan.already_done, plan.already_done);
    candidates = plan.job_ids;
    summary.already_done = plan.already_done;
  }
  summary.planned = static_cast<int>(candidates.size()) + summary.already_done;
  {
    ProgressEvent planned;
    planned.kind = ProgressKind::Planned;
    planned.step = summary.already_done;
    planned.total = summary.planned;
    state.report(planned);
  }
  if (!candidates.empty() && !request.plan_only) {
    Runner runner(workspace.root(), workspace.database(), film, references, db, request, registry, cancel, options,
                  state, summary);
    runner.run(candidates);
  }
  summary.wall_seconds = seconds_since(start);
  ProgressEvent finished;
  finished.kind = ProgressKind::Finished;
  finished.message = "rendered " + std::to_string(summary.rendered) + ", already done " +
                     std::to_string(summary.already_done) + ", failed " + std::to_string(summary.failed) +
                     ", cancelled " + std::to_string(summary.cancelled);
  if (!summary.unknown_files.empty())
    finished.message += "; kept " + std::to_string(summary.unknown_files.size()) +
                        " take file(s) the database does not know (`shotgen adopt` re-imports them)";
  state.report(finished);
  return summary;
}

EnqueuedRender enqueue_render(const fs::path& workspace_root, const RenderRequest& request,
                              const BackendRegistry& registry) {
  // Step 1 as render_shots() runs it: bad input (lint, selection, references) stops the request
  // before the database changes.
  const auto workspace = film::Workspace::open(workspace_root);
  const auto film = film::load_film_file(workspace.film_toml());
  validate_routing(film, registry.caps(), request.backend);
  require_lint_clean(film, workspace.root(), registry.caps());
  const bool run_queue = request.shots.empty() && !request.scene && !request.all;
  std::vector<const film::Shot*> shots;
  if (!run_queue) {
    shots = select_shots(film, request);
    load_reference_images(workspace.root(), film, shots);
  }
  auto db = db::open_project_database(workspace.database());
  db::ProjectStore(db).sync(film);
  JobQueue queue(db);
  if (run_queue) return {queued_jobs_in_story_order(film, queue), 0};
  const Plan plan = plan_jobs(film, shots, request, registry, queue);
  return {plan.job_ids, plan.already_done};
}

}  // namespace shotgen::render
