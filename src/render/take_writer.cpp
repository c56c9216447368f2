#include "render/take_writer.h"

#include <nlohmann/json.hpp>

#include "finish/source_frames.h"
#include "media/png.h"
#include "media/resize.h"
#include "media/video_encoder.h"
#include "render/generation_parameters.h"
#include "render/take_store.h"
#include "render/take_tags.h"

namespace fs = std::filesystem;

namespace shotgen::render {

TakeWriter::TakeWriter(fs::path root, const fs::path& database, const film::Film& film, LeaseOwner owner,
                       const RenderOptions& options, RunState& state, finish::Finisher& finisher)
    : root_(std::move(root)),
      db_(db::Database::open(database)),
      film_(film),
      owner_(std::move(owner)),
      options_(options),
      state_(state),
      finisher_(finisher),
      thread_([this] { loop(); }) {}

TakeWriter::~TakeWriter() { stop(); }

void TakeWriter::submit(EncodeTask task) {
  std::unique_lock lock(mutex_);
  space_.wait(lock, [&] { return pending_.size() < 2; });
  pending_.push_back(std::move(task));
  ++in_flight_;
  work_.notify_one();
}

void TakeWriter::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return in_flight_ == 0; });
}

void TakeWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TakeWriter::loop() {
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

void TakeWriter::remove_outputs(const TakePaths& paths) {
  std::error_code ec;
  fs::remove(root_ / paths.mp4, ec);
  fs::remove(root_ / paths.poster, ec);
  fs::remove(root_ / paths.source, ec);
}

// A take that cannot be written or recorded: no file stays behind, the job fails with the reason.
void TakeWriter::fail_take(const TakeContext& c, const TakePaths& paths, const std::string& reason, ErrorKind kind) {
  remove_outputs(paths);
  JobQueue(db_).fail_attempt(c.job.id, owner_, reason, /*retryable=*/false);
  state_.update([&](RenderSummary& s) {
    ++s.failed;
    s.failures.push_back({c.job.shot_id + " take " + std::to_string(c.job.take_index + 1) + ": " + reason, kind});
  });
  state_.report(job_event(ProgressKind::Failed, c.job, reason), true);
}

// The take record as far as it is known before its files are written.
db::TakeRecord TakeWriter::take_record(const TakeContext& c, int take_number, const TakePaths& paths) const {
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

void TakeWriter::write(EncodeTask& task) {
  const TakeContext& c = task.context;
  // A new number above every record and every file of the shot: a take never takes the name of
  // a file already on disk, known to the database or not.
  const int take_number = next_take_number(root_, db_, c.job.shot_id);
  const TakePaths paths = take_paths(c.job.shot_id, take_number, c.job.id);
  db::TakeRecord take = take_record(c, take_number, paths);
  state_.report(job_event(ProgressKind::Writing, c.job, paths.mp4));
  auto start = RunClock::now();
  double finish_seconds = 0;
  try {
    // Finishing runs between the model and the encoder. Its record is part of the take record
    // (and so of the MP4's tags); the generated frames are kept losslessly so that
    // `shotgen finish` can finish the take again without generating it.
    const Clip finished = finisher_.finish(task.clip, c.finish_plan, c.job.seed, c.finishing);
    take.finish_json = finish::finish_record(c.finish_plan, c.job.seed, finisher_.device(), task.clip.width(),
                                             task.clip.height(), task.clip.frame_count(), c.finishing)
                           .dump();
    take.source_path = paths.source;
    finish_seconds = seconds_since(start);
    start = RunClock::now();
    media::EncodeOptions encode;
    encode.fps = film_.info.fps;
    encode.out_width = film_.info.resolution.width;
    encode.out_height = film_.info.resolution.height;
    encode.crf = options_.crf;
    encode.preset = options_.x264_preset;
    encode.metadata = take_tags(take, film_.info.title);
    // Every file appears under its final name only when complete (temporary name + rename); the
    // MP4 first: it is the file adoption goes by, the others are found beside it (take_adoption.h).
    media::encode_mp4(root_ / paths.mp4, finished, encode);
    const Image& middle = finished.frames[finished.frames.size() / 2];
    media::write_png(root_ / paths.poster,
                     media::resize_image(middle, film_.info.resolution.width, film_.info.resolution.height),
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
    // The point of truth: job done + take record (+ the re-route job, or the next take of a best of
    // N) commit together.
    recorded = record_finished_take(db_, owner_, take, rejected ? c.next_job : c.another_take);
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
  if (!rejected && c.another_take) state_.add_job();  // queued with the record: the run renders it too
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

}  // namespace shotgen::render
