#pragma once
// Run bookkeeping of a render (render_runner.h), shared by the generating and the encoding thread:
// both report progress and update the run's summary, so the counters, the ETA and the summary sit
// behind one lock.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "render/job_queue.h"
#include "render/progress.h"
#include "render/render_runner.h"

namespace shotgen::render {

// The clock of a run's timings (model, finish and encode seconds, the ETA).
using RunClock = std::chrono::steady_clock;
double seconds_since(RunClock::time_point start);

// Counts the run's jobs (finished of total) for every event it passes on to the sink, estimates
// the time left, and guards the summary. The clock of the ETA starts at construction.
class RunState {
 public:
  // `sink` may be null (events are dropped); `summary` must outlive the state.
  RunState(ProgressSink* sink, RenderSummary& summary);

  // The run has `total` jobs, `already_done` of them finished before it started (they count as
  // finished but not as work done by this run, for the ETA).
  void set_total(int total, int already_done);

  // A job joined the run while it ran (best of N: the next take of a shot whose take missed its look).
  void add_job();

  // A batch of `size` jobs is `fraction` through generation (for the ETA).
  void set_batch_fraction(double fraction, int size);

  // Emits `event` with run counters filled in; `finishes` counts the job as finished.
  void report(ProgressEvent event, bool finishes = false);

  // Updates the summary under the lock.
  template <class F>
  void update(F&& change) {
    std::lock_guard lock(mutex_);
    change(summary_);
  }

 private:
  std::optional<double> eta() const;

  std::mutex mutex_;
  ProgressSink* sink_;
  RenderSummary& summary_;
  RunClock::time_point start_;
  int total_ = 0;
  int finished_ = 0;
  int baseline_ = 0;
  double batch_fraction_ = 0;
  int batch_size_ = 0;
};

// An event about `job` (id, shot, 1-based take, backend); the run counters are RunState's.
ProgressEvent job_event(ProgressKind kind, const Job& job, std::string message = {}, int batch_size = 0);

}  // namespace shotgen::render
