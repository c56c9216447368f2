#include "serve/render_worker.h"

#include <cmath>

#include "core/error.h"
#include "render/film_output.h"
#include "render/progress.h"
#include "render/take_files.h"

namespace shotgen::serve {
namespace {

// The runner's progress as "progress" events: one per job state change and denoising step.
class EventProgress : public render::ProgressSink {
 public:
  explicit EventProgress(EventHub& events) : events_(events) {}
  void report(const render::ProgressEvent& e) override {
    nlohmann::json data = {{"event", std::string(render::progress_kind_name(e.kind))},
                           {"job", e.job},
                           {"shot", e.shot},
                           {"take", e.take},
                           {"backend", e.backend},
                           {"batch_size", e.batch_size},
                           {"step", e.step},
                           {"total", e.total},
                           {"jobs_finished", e.jobs_finished},
                           {"jobs_total", e.jobs_total},
                           {"message", e.message}};
    data["eta"] = e.eta_seconds ? nlohmann::json(std::round(*e.eta_seconds * 10) / 10) : nlohmann::json(nullptr);
    events_.publish("progress", data);
  }

 private:
  EventHub& events_;
};

std::string summary_text(const render::RenderSummary& s) {
  std::string text = std::to_string(s.rendered) + " take(s) rendered, " + std::to_string(s.already_done) +
                     " already done, " + std::to_string(s.rerouted) + " re-routed, " + std::to_string(s.failed) +
                     " failed, " + std::to_string(s.cancelled) + " cancelled";
  if (!s.failures.empty()) text += "; " + s.failures.front().text;
  return text;
}

}  // namespace

RenderWorker::RenderWorker(std::filesystem::path workspace_root, render::BackendRegistry& registry, EventHub& events,
                           std::chrono::milliseconds lock_retry)
    : root_(std::move(workspace_root)),
      registry_(registry),
      events_(events),
      lock_retry_(lock_retry),
      thread_([this] { loop(); }) {}

RenderWorker::~RenderWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    pending_.clear();
  }
  cancel_.cancel();
  wake_.notify_all();
  thread_.join();
}

void RenderWorker::submit(WorkerTask task) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(task));
  }
  wake_.notify_all();
  events_.publish("worker", status());
}

nlohmann::json RenderWorker::status() const {
  std::lock_guard lock(mutex_);
  return status_locked();
}

nlohmann::json RenderWorker::status_locked() const {
  nlohmann::json pending = nlohmann::json::array();
  for (const auto& task : pending_) pending.push_back(task.command);
  return {{"state", state_},
          {"task", task_ ? nlohmann::json(*task_) : nlohmann::json(nullptr)},
          {"pending", pending},
          {"last", last_}};
}

void RenderWorker::set_state(std::string state, std::optional<std::string> task) {
  nlohmann::json snapshot;
  {
    std::lock_guard lock(mutex_);
    state_ = std::move(state);
    task_ = std::move(task);
    snapshot = status_locked();
  }
  events_.publish("worker", snapshot);
}

void RenderWorker::finish(const WorkerTask& task, bool ok, std::string message) {
  nlohmann::json snapshot;
  {
    std::lock_guard lock(mutex_);
    last_ = {{"task", task.command}, {"ok", ok}, {"message", std::move(message)}};
    state_ = "idle";
    task_.reset();
    snapshot = status_locked();
  }
  events_.publish("worker", snapshot);
}

void RenderWorker::loop() {
  while (true) {
    WorkerTask task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      task = std::move(pending_.front());
      pending_.pop_front();
    }
    run(task);
  }
}

void RenderWorker::run(const WorkerTask& task) {
  try {
    if (task.kind == WorkerTask::Kind::Assemble) {
      set_state("assembling", task.command);
      const auto outputs = render::assemble_workspace_film(root_);
      finish(task, true, "film assembled: " + std::to_string(outputs.cuts.size()) + " shots, " +
                             std::to_string(outputs.duration_seconds) + " s");
      return;
    }
    EventProgress progress(events_);
    while (true) {
      set_state("rendering", task.command);
      try {
        const auto summary = render::render_shots(root_, task.request, registry_, &progress, &cancel_);
        finish(task, summary.ok(), summary_text(summary));
        return;
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::RenderLocked) throw;
      }
      // Another process renders this workspace: the jobs stay queued until it is done.
      set_state("waiting", task.command);
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, lock_retry_, [&] { return stopping_; })) return;
    }
  } catch (const std::exception& e) {
    finish(task, false, e.what());
  }
}

}  // namespace shotgen::serve
