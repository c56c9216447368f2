#include "serve/events.h"

namespace shotgen::serve {

std::string format_server_event(const ServerEvent& event) {
  return "id: " + std::to_string(event.id) + "\nevent: " + event.name + "\ndata: " + event.data + "\n\n";
}

void EventHub::publish(const std::string& name, const nlohmann::json& data) {
  // dump() escapes control characters, so the text is one line; invalid UTF-8 is replaced.
  std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    kept_.push_back({++last_id_, name, std::move(text)});
    if (kept_.size() > kKeptEvents) kept_.pop_front();
  }
  published_.notify_all();
}

std::vector<ServerEvent> EventHub::wait_after(std::uint64_t last_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  published_.wait_for(lock, timeout, [&] { return closed_ || last_id_ > last_id; });
  std::vector<ServerEvent> out;
  if (closed_) return out;
  for (const auto& event : kept_)
    if (event.id > last_id) out.push_back(event);
  return out;
}

std::uint64_t EventHub::last_id() const {
  std::lock_guard lock(mutex_);
  return last_id_;
}

void EventHub::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  published_.notify_all();
}

bool EventHub::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace shotgen::serve
