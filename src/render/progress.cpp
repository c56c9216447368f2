#include "render/progress.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace shotgen::render {

std::string_view progress_kind_name(ProgressKind kind) {
  switch (kind) {
    case ProgressKind::Planned: return "planned";
    case ProgressKind::Started: return "started";
    case ProgressKind::Step: return "step";
    case ProgressKind::Writing: return "writing";
    case ProgressKind::Done: return "done";
    case ProgressKind::Rerouted: return "rerouted";
    case ProgressKind::Retrying: return "retrying";
    case ProgressKind::Failed: return "failed";
    case ProgressKind::Cancelled: return "cancelled";
    case ProgressKind::Finished: return "finished";
  }
  return "step";
}

std::string format_duration(double seconds) {
  long total = std::lround(std::max(0.0, seconds));
  const long hours = total / 3600, minutes = (total / 60) % 60, secs = total % 60;
  char buffer[32];
  if (hours > 0)
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", hours, minutes, secs);
  else
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", minutes, secs);
  return buffer;
}

std::string progress_bar(double fraction, int width) {
  const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width + 1e-9);
  return "[" + std::string(filled, '#') + std::string(width - filled, '-') + "]";
}

void JsonProgress::report(const ProgressEvent& e) {
  nlohmann::json line = {{"event", std::string(progress_kind_name(e.kind))},
                         {"jobs_finished", e.jobs_finished},
                         {"jobs_total", e.jobs_total}};
  if (!e.job.empty()) {
    line["job"] = e.job;
    line["shot"] = e.shot;
    line["take"] = e.take;
    line["backend"] = e.backend;
  }
  if (e.kind == ProgressKind::Step || e.kind == ProgressKind::Planned) {
    line["step"] = e.step;
    line["total"] = e.total;
  }
  if (e.batch_size > 0) line["batch_size"] = e.batch_size;
  line["eta"] = e.eta_seconds ? nlohmann::json(std::round(*e.eta_seconds * 10) / 10) : nlohmann::json(nullptr);
  if (!e.message.empty()) line["message"] = e.message;
  std::lock_guard lock(mutex_);
  out_ << line.dump() << "\n" << std::flush;
}

namespace {

std::string job_label(const ProgressEvent& e) { return e.shot + " take " + std::to_string(e.take); }

std::string finished_line(const ProgressEvent& e) {
  switch (e.kind) {
    case ProgressKind::Done: return "done      " + job_label(e) + " (" + e.backend + ") -> " + e.message;
    case ProgressKind::Rerouted: return "rerouted  " + job_label(e) + " (" + e.backend + "): " + e.message;
    case ProgressKind::Retrying: return "retrying  " + job_label(e) + " (" + e.backend + "): " + e.message;
    case ProgressKind::Failed: return "FAILED    " + job_label(e) + " (" + e.backend + "): " + e.message;
    case ProgressKind::Cancelled: return "cancelled " + job_label(e) + " (" + e.backend + "): " + e.message;
    case ProgressKind::Finished: return e.message;
    default: return {};
  }
}

}  // namespace

void TtyProgress::redraw() {
  const double overall = last_.jobs_total > 0 ? static_cast<double>(last_.jobs_finished) / last_.jobs_total : 1.0;
  std::string overall_line = "overall " + progress_bar(overall, 30) + " " + std::to_string(last_.jobs_finished) +
                             "/" + std::to_string(last_.jobs_total) + " jobs";
  if (last_.eta_seconds) overall_line += "  ETA " + format_duration(*last_.eta_seconds);
  if (drawn_) std::fprintf(terminal_, "\x1b[2A");
  std::fprintf(terminal_, "\r\x1b[2K%s\n\r\x1b[2K%s\n", batch_line_.c_str(), overall_line.c_str());
  std::fflush(terminal_);
  drawn_ = true;
}

void TtyProgress::report(const ProgressEvent& e) {
  std::lock_guard lock(mutex_);
  last_.jobs_finished = e.jobs_finished;
  last_.jobs_total = e.jobs_total;
  if (e.eta_seconds) last_.eta_seconds = e.eta_seconds;
  if (e.kind == ProgressKind::Started || e.kind == ProgressKind::Step) {
    // Every job of a batch reports the same step: draw it once.
    if (e.kind == ProgressKind::Step && e.step == last_.step && e.total == last_.total && e.job != last_.job) return;
    last_.step = e.step;
    last_.total = e.total;
    last_.job = e.job;
    const double fraction = e.total > 0 ? static_cast<double>(e.step) / e.total : 0.0;
    batch_line_ = e.backend + " batch of " + std::to_string(e.batch_size) + " " + progress_bar(fraction, 20) + " step " +
                  std::to_string(e.step) + "/" + std::to_string(e.total) + "  " + job_label(e) +
                  (e.batch_size > 1 ? " +" + std::to_string(e.batch_size - 1) : "");
    redraw();
    return;
  }
  const std::string line = finished_line(e);
  if (!line.empty()) {
    if (drawn_) std::fprintf(terminal_, "\x1b[2A\r\x1b[2K");
    std::fprintf(terminal_, "%s\n", line.c_str());
    if (drawn_) std::fprintf(terminal_, "\n\n");
  }
  if (e.kind == ProgressKind::Finished) {
    if (drawn_) {
      batch_line_.clear();
      redraw();
    }
    return;
  }
  redraw();
}

void LineProgress::report(const ProgressEvent& e) {
  const std::string line = finished_line(e);
  if (line.empty()) return;
  std::lock_guard lock(mutex_);
  out_ << "[" << e.jobs_finished << "/" << e.jobs_total << "] " << line << "\n" << std::flush;
}

}  // namespace shotgen::render
