#include "render/run_state.h"

#include <algorithm>

namespace shotgen::render {

double seconds_since(RunClock::time_point start) {
  return std::chrono::duration<double>(RunClock::now() - start).count();
}

RunState::RunState(ProgressSink* sink, RenderSummary& summary)
    : sink_(sink), summary_(summary), start_(RunClock::now()) {}

void RunState::set_total(int total, int already_done) {
  std::lock_guard lock(mutex_);
  total_ = total;
  finished_ = already_done;
  baseline_ = already_done;
}

void RunState::add_job() {
  std::lock_guard lock(mutex_);
  ++total_;
  ++summary_.planned;
}

void RunState::set_batch_fraction(double fraction, int size) {
  std::lock_guard lock(mutex_);
  batch_fraction_ = fraction;
  batch_size_ = size;
}

void RunState::report(ProgressEvent event, bool finishes) {
  std::lock_guard lock(mutex_);
  if (finishes) ++finished_;
  event.jobs_finished = finished_;
  event.jobs_total = total_;
  event.eta_seconds = eta();
  if (sink_) sink_->report(event);
}

std::optional<double> RunState::eta() const {
  const int work = total_ - baseline_;
  if (work <= 0) return 0.0;
  const double done = (finished_ - baseline_) + batch_fraction_ * batch_size_;
  if (done <= 0) return std::nullopt;
  const double elapsed = seconds_since(start_);
  return std::max(0.0, elapsed * (work - done) / done);
}

ProgressEvent job_event(ProgressKind kind, const Job& job, std::string message, int batch_size) {
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

}  // namespace shotgen::render
