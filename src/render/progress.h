#pragma once
// Render progress for people and machines. The runner reports events; a sink shows them:
//   TtyProgress   two redrawn lines on a terminal's stderr: the running batch (its jobs, step
//                 bar) and the whole run (jobs finished, bar, ETA); finished jobs scroll above
//   JsonProgress  one JSON object per line: {"event","job","shot","take","step","total","eta",...}
//   LineProgress  one plain line per finished job (stderr is not a terminal)
// Sinks are called from the runner's threads (generation and encoding): they lock internally.
#include <cstdio>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace shotgen::render {

enum class ProgressKind {
  Planned,    // the run's jobs are known: `total` = jobs to render, `step` = already done
  Started,    // a job's batch began generating (batch_size jobs share it)
  Step,       // a denoising step of the job's batch: step/total
  Writing,    // the job's take files are being written (message: the take's mp4 path)
  Done,       // take recorded (message: the take's mp4 path)
  Rerouted,   // take recorded as rejected, the shot goes to the next backend (message: why)
  Retrying,   // the attempt failed and the job is queued again (message: why)
  Failed,     // the job ended failed (message: why)
  Cancelled,  // the job ended cancelled (message: why)
  Finished,   // the run ended (message: summary)
};
std::string_view progress_kind_name(ProgressKind kind);  // "planned", "started", "step", ...

struct ProgressEvent {
  ProgressKind kind = ProgressKind::Step;
  std::string job;       // job id (empty for Planned/Finished)
  std::string shot;
  int take = 0;          // 1-based
  std::string backend;
  int batch_size = 0;
  int step = 0;
  int total = 0;
  std::optional<double> eta_seconds;  // whole run
  int jobs_finished = 0;              // whole run
  int jobs_total = 0;
  std::string message;
};

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void report(const ProgressEvent& event) = 0;
};

class JsonProgress : public ProgressSink {
 public:
  explicit JsonProgress(std::ostream& out) : out_(out) {}
  void report(const ProgressEvent& event) override;

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

class TtyProgress : public ProgressSink {
 public:
  explicit TtyProgress(std::FILE* terminal) : terminal_(terminal) {}
  void report(const ProgressEvent& event) override;

 private:
  void redraw();
  std::mutex mutex_;
  std::FILE* terminal_;
  bool drawn_ = false;
  std::string batch_line_;
  ProgressEvent last_;
};

class LineProgress : public ProgressSink {
 public:
  explicit LineProgress(std::ostream& out) : out_(out) {}
  void report(const ProgressEvent& event) override;

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

// "1:05", "12:00:03".
std::string format_duration(double seconds);
// "[#####-----]" of `width` cells.
std::string progress_bar(double fraction, int width);

}  // namespace shotgen::render
