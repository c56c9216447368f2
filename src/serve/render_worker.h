#pragma once
// The server's renderer: one thread that runs the page's render requests one after another
// through render::render_shots, i.e. with the queue, leases, batching, recovery and crash safety
// of `shotgen render` (the jobs were already enqueued by render::enqueue_render when the request
// was answered), and assembles the film when asked. While another process renders the workspace
// (its RenderLock is held) a request waits and tries again. Its progress and state go to the
// EventHub as "progress" and "worker" events.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "render/backend.h"
#include "render/render_runner.h"
#include "serve/events.h"

namespace shotgen::serve {

struct WorkerTask {
  enum class Kind { Render, Assemble };
  Kind kind = Kind::Render;
  render::RenderRequest request;  // for Render
  std::string command;            // the CLI command that does the same: "shotgen render s1_01 --takes 3"
};

class RenderWorker {
 public:
  RenderWorker(std::filesystem::path workspace_root, render::BackendRegistry& registry, EventHub& events,
               std::chrono::milliseconds lock_retry = std::chrono::seconds(1));
  // Cancels the running render as Ctrl-C does (its batch ends cancelled; `shotgen render`
  // finishes it), drops the waiting tasks (their jobs stay queued) and joins.
  ~RenderWorker();
  RenderWorker(const RenderWorker&) = delete;
  RenderWorker& operator=(const RenderWorker&) = delete;

  void submit(WorkerTask task);

  // {"state": "idle"|"rendering"|"waiting"|"assembling", "task": command or null,
  //  "pending": [command, ...], "last": {"task","ok","message"} or null}
  nlohmann::json status() const;

 private:
  void loop();
  void run(const WorkerTask& task);
  void set_state(std::string state, std::optional<std::string> task);
  void finish(const WorkerTask& task, bool ok, std::string message);
  nlohmann::json status_locked() const;

  std::filesystem::path root_;
  render::BackendRegistry& registry_;
  EventHub& events_;
  std::chrono::milliseconds lock_retry_;
  engine::CancelToken cancel_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WorkerTask> pending_;
  bool stopping_ = false;
  std::string state_ = "idle";
  std::optional<std::string> task_;
  nlohmann::json last_ = nullptr;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace shotgen::serve
