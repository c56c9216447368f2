#include "render/render_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "analyze/clip_analysis.h"
#include "core/error.h"
#include "core/hash.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "film/reference_image.h"
#include "film/workspace.h"
#include "finish/source_frames.h"
#include "media/png.h"
#include "media/resize.h"
#include "media/video_encoder.h"
#include "prompt/assembler.h"
#include "render/blank_frames.h"
#include "render/generation_parameters.h"
#include "render/job_queue.h"
#include "render/project_lint.h"
#include "render/reference_images.h"
#include "render/reroute.h"
#include "render/take_adoption.h"
#include "render/take_files.h"
#include "render/take_store.h"
#include "render/take_tags.h"

namespace fs = std::filesystem;

namespace shotgen::render {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- Run bookkeeping shared by the generating and the encoding thread --------------------------
class RunState {
 public:
  RunState(ProgressSink* sink, RenderSummary& summary) : sink_(sink), summary_(summary), start_(Clock::now()) {}

  void set_total(int total, int already_done) {
    std::lock_guard lock(mutex_);
    total_ = total;
    finished_ = already_done;
    baseline_ = already_done;
  }

  // A batch of `size` jobs is `fraction` through generation (for the ETA).
  void set_batch_fraction(double fraction, int size) {
    std::lock_guard lock(mutex_);
    batch_fraction_ = fraction;
    batch_size_ = size;
  }

  // Emits `event` with run counters filled in; `finishes` counts the job as finished.
  void report(ProgressEvent event, bool finishes = false) {
    std::lock_guard lock(mutex_);
    if (finishes) ++finished_;
    event.jobs_finished = finished_;
    event.jobs_total = total_;
    event.eta_seconds = eta();
    if (sink_) sink_->report(event);
  }

  // Updates the summary under the lock.
  template <class F>
  void update(F&& change) {
    std::lock_guard lock(mutex_);
    change(summary_);
  }

 private:
  std::optional<double> eta() const {
    const int work = total_ - baseline_;
    if (work <= 0) return 0.0;
    const double done = (finished_ - baseline_) + batch_fraction_ * batch_size_;
    if (done <= 0) return std::nullopt;
    const double elapsed = seconds_since(start_);
    return std::max(0.0, elapsed * (work - done) / done);
  }

  std::mutex mutex_;
  ProgressSink* sink_;
  RenderSummary& summary_;
  Clock::time_point start_;
  int total_ = 0;
  int finished_ = 0;
  int baseline_ = 0;
  double batch_fraction_ = 0;
  int batch_size_ = 0;
};

ProgressEvent job_event(ProgressKind kind, const Job& job, std::string message = {}, int batch_size = 0) {
  ProgressEvent e;
  e.kind = kind;
  e.job = job.id;
  e.shot = job.shot_id;
  e.take = job.take_index + 1;
  e.backend = job.backend;
  e.batch_size = batch_size;
  e.message = std::move(message);
  return e;
}

// ---- Everything a take record needs besides the clip -------------------------------------------
struct TakeContext {
  Job job;
  JobSpec spec;
  std::vector<std::string> negative_terms;
  std::int64_t style_revision_id = 0;
  std::int64_t negative_revision_id = 0;
  std::string created_at;
  double queue_wait_seconds = 0;
  double batch_model_seconds = 0;
  int batch_size = 1;
  std::optional<std::string> reroute_reason;
  std::optional<NewJob> next_job;  // set: the take is rejected and the shot goes to this job
  finish::FinishPlan finish_plan;  // the shot's [finish]
  std::string analysis_json = "{}";  // analyze::to_json of the generated frames
};

struct EncodeTask {
  TakeContext context;
  Clip clip;
};

// ---- The encoder thread: writes take files, then records the take in one transaction ----------
class TakeWriter {
 public:
  TakeWriter(fs::path root, const fs::path& database, const film::Film& film, LeaseOwner owner,
             const RenderOptions& options, RunState& state, finish::Finisher& finisher)
      : root_(std::move(root)),
        db_(db::Database::open(database)),
        film_(film),
        owner_(std::move(owner)),
        options_(options),
        state_(state),
        finisher_(finisher),
        thread_([this] { loop(); }) {}

  ~TakeWriter() { stop(); }

  // Blocks while two tasks are already waiting (bounds the clips held in memory).
  void submit(EncodeTask task) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return pending_.size() < 2; });
    pending_.push_back(std::move(task));
    ++in_flight_;
    work_.notify_one();
  }

  // Waits until every submitted task is written and recorded.
  void wait_idle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return in_flight_ == 0; });
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    work_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    while (true) {
      EncodeTask task;
      {
        std::unique_lock lock(mutex_);
        work_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
        if (pending_.empty()) return;  // stopping and drained
        task = std::move(pending_.front());
        pending_.pop_front();
        space_.notify_all();
      }
      write(task);
      {
        std::lock_guard lock(mutex_);
        --in_flight_;
      }
      idle_.notify_all();
    }
  }

  void remove_outputs(const TakePaths& paths) {
    std::error_code ec;
    fs::remove(root_ / paths.mp4, ec);
    fs::remove(root_ / paths.poster, ec);
    fs::remove(root_ / paths.source, ec);
  }

  // A take that cannot be written or recorded: no file stays behind, the job fails with the reason.
  void fail_take(const TakeContext& c, const TakePaths& paths, const std::string& reason,
                 ErrorKind kind = ErrorKind::General) {
    remove_outputs(paths);
    JobQueue(db_).fail_attempt(c.job.id, owner_, reason, /*retryable=*/false);
    state_.update([&](RenderSummary& s) {
      ++s.failed;
      s.failures.push_back({c.job.shot_id + " take " + std::to_string(c.job.take_index + 1) + ": " + reason, kind});
    });
    state_.report(job_event(ProgressKind::Failed, c.job, reason), true);
  }

  // The take record as far as it is known before its files are written.
  db::TakeRecord take_record(const TakeContext& c, int take_number, const TakePaths& paths) const {
    db::TakeRecord take;
    take.shot_id = c.job.shot_id;
    take.take_index = c.job.take_index;
    take.take_number = take_number;
    take.job_id = c.job.id;
    take.positive = c.spec.positive;
    take.negative = c.spec.negative;
    take.style_revision_id = c.style_revision_id;
    take.negative_revision_id = c.negative_revision_id;
    take.seed = c.job.seed;
    take.backend = c.job.backend;
    take.model = c.spec.params.model;
    take.params_json = c.job.params_json;
    take.prompt_hash = c.job.prompt_hash;
    take.status = c.next_job ? db::TakeStatus::Rejected : db::TakeStatus::Done;
    take.mp4_path = paths.mp4;
    take.poster_path = paths.poster;
    take.timings_json = nlohmann::json{{"queue_wait_s", c.queue_wait_seconds},
                                       {"model_s", c.batch_model_seconds / c.batch_size},
                                       {"batch_model_s", c.batch_model_seconds},
                                       {"batch_size", c.batch_size}}
                            .dump();
    take.reroute_reason = c.reroute_reason.value_or("");
    take.analysis_json = c.analysis_json;
    take.created_at = c.created_at;
    return take;
  }

  void write(EncodeTask& task) {
    const TakeContext& c = task.context;
    // A new number above every record and every file of the shot: a take never takes the name of
    // a file already on disk, known to the database or not.
    const int take_number = next_take_number(root_, db_, c.job.shot_id);
    const TakePaths paths = take_paths(c.job.shot_id, take_number, c.job.id);
    db::TakeRecord take = take_record(c, take_number, paths);
    state_.report(job_event(ProgressKind::Writing, c.job, paths.mp4));
    auto start = Clock::now();
    double finish_seconds = 0;
    try {
      // Finishing runs between the model and the encoder. Its record is part of the take record
      // (and so of the MP4's tags); the generated frames are kept losslessly so that
      // `shotgen finish` can finish the take again without generating it.
      const Clip finished = finisher_.finish(task.clip, c.finish_plan, c.job.seed);
      take.finish_json = finish::finish_record(c.finish_plan, c.job.seed, finisher_.device(), task.clip.width(),
                                               task.clip.height(), task.clip.frame_count())
                             .dump();
      take.source_path = paths.source;
      finish_seconds = seconds_since(start);
      start = Clock::now();
      EncodeOptions encode;
      encode.fps = film_.info.fps;
      encode.out_width = film_.info.resolution.width;
      encode.out_height = film_.info.resolution.height;
      encode.crf = options_.crf;
      encode.preset = options_.x264_preset;
      encode.metadata = take_tags(take, film_.info.title);
      // Every file appears under its final name only when complete (temporary name + rename); the
      // MP4 first: it is the file adoption goes by, the others are found beside it (take_adoption.h).
      encode_mp4(root_ / paths.mp4, finished, encode);
      const Image& middle = finished.frames[finished.frames.size() / 2];
      write_png(root_ / paths.poster,
                resize_image(middle, film_.info.resolution.width, film_.info.resolution.height),
                {{"parameters", a1111_parameters(take)}});
      finish::write_source_frames(root_ / paths.source, task.clip);
    } catch (const std::exception& e) {
      fail_take(c, paths, std::string("cannot write the take: ") + e.what());
      return;
    }
    const double encode_seconds = seconds_since(start);
    const bool rejected = c.next_job.has_value();
    auto timings = nlohmann::json::parse(take.timings_json);
    timings["finish_s"] = finish_seconds;
    timings["encode_s"] = encode_seconds;
    take.timings_json = timings.dump();
    bool recorded = false;
    try {
      // The point of truth: job done + take record (+ the re-route job) commit together.
      recorded = record_finished_take(db_, owner_, take, c.next_job);
    } catch (const std::exception& e) {
      fail_take(c, paths, std::string("cannot record the take: ") + e.what());
      return;
    }
    if (!recorded) {  // cancelled (shotgen cancel) while it rendered: its result is discarded
      remove_outputs(paths);
      state_.update([](RenderSummary& s) { ++s.cancelled; });
      state_.report(job_event(ProgressKind::Cancelled, c.job, "cancelled while rendering; result discarded"), true);
      return;
    }
    state_.update([&](RenderSummary& s) {
      s.finish_seconds += finish_seconds;
      s.encode_seconds += encode_seconds;
      if (rejected)
        ++s.rerouted;
      else
        ++s.rendered;
    });
    if (rejected)
      state_.report(job_event(ProgressKind::Rerouted, c.job, *c.reroute_reason + "; next: " + c.next_job->backend),
                    /*finishes=*/false);
    else
      state_.report(job_event(ProgressKind::Done, c.job, paths.mp4), true);
  }

  fs::path root_;
  db::Database db_;
  const film::Film& film_;
  LeaseOwner owner_;
  RenderOptions options_;
  RunState& state_;
  finish::Finisher& finisher_;  // used on this writer's thread only
  std::mutex mutex_;
  std::condition_variable work_, space_, idle_;
  std::deque<EncodeTask> pending_;
  int in_flight_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// ---- Lease renewal on its own connection, independent of how long a model step takes ----------
class Heartbeat {
 public:
  Heartbeat(const fs::path& database, LeaseOwner owner, std::int64_t lease_ms)
      : db_(db::Database::open(database)), owner_(std::move(owner)), lease_ms_(lease_ms), thread_([this] { loop(); }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(std::max<std::int64_t>(lease_ms_ / 6, 50)),
                           [&] { return stopping_; })) {
      try {
        JobQueue(db_).heartbeat(owner_, {}, lease_ms_);
      } catch (const std::exception&) {
        // A busy database delays one beat; the lease has room for several.
      }
    }
  }

  db::Database db_;
  LeaseOwner owner_;
  std::int64_t lease_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// ---- Planning ----------------------------------------------------------------------------------
std::vector<const film::Shot*> select_shots(const film::Film& film, const RenderRequest& request) {
  std::vector<const film::Shot*> out;
  if (request.all) {
    for (const auto& scene : film.scenes)
      for (const auto& shot : scene.shots) out.push_back(&shot);
    return out;
  }
  if (request.scene) {
    const film::Scene* found = nullptr;
    for (const auto& scene : film.scenes)
      if (scene.id == *request.scene) found = &scene;
    if (!found) {
      std::string ids;
      for (const auto& scene : film.scenes) ids += (ids.empty() ? "" : ", ") + scene.id;
      throw Error("unknown scene '" + *request.scene + "'", "--scene", "scenes: " + ids);
    }
    for (const auto& shot : found->shots) out.push_back(&shot);
  }
  for (const auto& id : request.shots) {
    const film::Shot* shot = film.find_shot(id);
    if (!shot) throw Error("unknown shot '" + id + "'", "shotgen render", "list the shots with `shotgen lint` or film.toml");
    if (std::find(out.begin(), out.end(), shot) == out.end()) out.push_back(shot);
  }
  return out;
}

std::optional<db::TakeStatus> take_status_of_job(const db::Database& db, const std::string& job_id) {
  auto stmt = db.prepare("SELECT status FROM takes WHERE job_id = ?1");
  stmt.bind(1, job_id);
  if (!stmt.step()) return std::nullopt;
  const std::string status = stmt.text(0);
  if (status == "rejected") return db::TakeStatus::Rejected;
  if (status == "failed") return db::TakeStatus::Failed;
  return db::TakeStatus::Done;
}


struct Plan {
  std::vector<std::string> job_ids;  // jobs to run, story order
  int already_done = 0;
};

Plan plan_jobs(const film::Film& film, const std::vector<const film::Shot*>& shots, const RenderRequest& request,
               const BackendRegistry& registry, JobQueue& queue) {
  const auto caps = registry.caps();
  Plan plan;
  db::Transaction tx(queue.database());
  for (const film::Shot* shot : shots) {
    const int takes = request.takes.value_or(shot->takes);
    if (takes < 1) throw Error("--takes must be at least 1", "--takes", "pass --takes 1 or more");
    const Route route = route_shot(film, *shot, request.mode, request.backend, caps);
    for (int take = 0; take < takes; ++take) {
      const std::uint64_t seed = take_seed(film, *shot, take, request.seed);
      // Walk the route: a backend whose take was rejected (its negative did not bite) hands the
      // take to the next one, whose job the re-route already queued.
      for (std::size_t b = 0; b < route.backends.size(); ++b) {
        const NewJob job = job_for(film, *shot, take, seed, registry.get(route.backends[b]));
        const auto existing = queue.find(job.id());
        if (existing && existing->state == JobState::Done &&
            take_status_of_job(queue.database(), existing->id) == db::TakeStatus::Rejected &&
            b + 1 < route.backends.size())
          continue;
        if (existing && existing->state == JobState::Done) {
          ++plan.already_done;
        } else {
          const auto result = queue.enqueue(job);
          plan.job_ids.push_back(result.job.id);
        }
        break;
      }
    }
  }
  tx.commit();
  return plan;
}

// The film's shots that have a queued job (running the queue without a shot selection).
std::vector<const film::Shot*> shots_with_queued_jobs(const film::Film& film, const db::Database& db) {
  std::set<std::string> queued;
  for (const auto& job : JobQueue(db).list(JobState::Queued)) queued.insert(job.shot_id);
  std::vector<const film::Shot*> shots;
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots)
      if (queued.count(shot.id)) shots.push_back(&shot);
  return shots;
}

// Queued jobs in story order (running the queue without a shot selection).
std::vector<std::string> queued_jobs_in_story_order(const film::Film& film, const JobQueue& queue) {
  std::map<std::string, int> order;
  int position = 0;
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots) order[shot.id] = position++;
  auto jobs = queue.list(JobState::Queued);
  std::stable_sort(jobs.begin(), jobs.end(), [&](const Job& a, const Job& b) {
    const int pa = order.count(a.shot_id) ? order[a.shot_id] : position;
    const int pb = order.count(b.shot_id) ? order[b.shot_id] : position;
    return pa != pb ? pa < pb : a.take_index < b.take_index;
  });
  std::vector<std::string> ids;
  for (const auto& job : jobs) ids.push_back(job.id);
  return ids;
}

// ---- Running -----------------------------------------------------------------------------------
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
        run_start_(Clock::now()),
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
  // by `take list` and `shotgen analyze`), and the re-route check that reads it.
  void analyze_take(TakeContext& c, const Clip& clip) {
    const auto analysis = analyze::analyze_clip(clip);
    c.analysis_json = analyze::to_json(analysis).dump();
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
      const auto start = Clock::now();
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
  Clock::time_point run_start_;
  std::vector<std::string> candidates_;
  std::int64_t style_revision_id_ = 0;
  std::int64_t negative_revision_id_ = 0;
  finish::FinishPlanner finish_planner_;
  TakeWriter* writer_ = nullptr;
};

}  // namespace

NewJob job_for(const film::Film& film, const film::Shot& shot, int take_index, std::uint64_t seed,
               const Backend& backend) {
  NewJob job;
  job.shot_id = shot.id;
  job.take_index = take_index;
  job.backend = backend.name();
  job.params_json = backend.params(film.render, shot_frames(film, shot)).to_json();
  job.seed = seed;
  const auto prompt = prompt::assemble_prompt(film, shot, backend.caps());
  job.prompt_hash = prompt::generation_hash(prompt, job.backend, job.params_json, seed);
  return job;
}

int shot_frames(const film::Film& film, const film::Shot& shot) {
  const double frames = shot.duration.value_or(film.info.default_shot_duration) * film.info.fps;
  // Clamped as a double first: lround of a huge duration is undefined.
  if (!(frames < kMaxShotFrames)) return kMaxShotFrames;
  return std::max(1, static_cast<int>(std::lround(frames)));
}

std::uint64_t take_seed(const film::Film& film, const film::Shot& shot, int take_index,
                        const std::optional<std::uint64_t>& override_seed) {
  // Kept to 63 bits: a take's seed fits TOML's signed 64-bit integers, so it can be pasted back
  // into film.toml (seeds below 2^63 are unchanged).
  constexpr std::uint64_t kSeedMask = 0x7FFF'FFFF'FFFF'FFFFull;
  const auto take = static_cast<std::uint64_t>(take_index);
  if (override_seed) return (*override_seed + take) & kSeedMask;
  if (shot.seed) return (*shot.seed + take) & kSeedMask;
  if (film.info.seed_policy == film::SeedPolicy::Fixed) return (film.info.base_seed + take) & kSeedMask;
  return (sha256_u64(std::to_string(film.info.base_seed) + "/" + shot.id) + take) & kSeedMask;
}

RenderSummary render_shots(const fs::path& workspace_root, const RenderRequest& request, BackendRegistry& registry,
                           ProgressSink* progress, engine::CancelToken* cancel, const RenderOptions& options) {
  const auto start = Clock::now();
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
