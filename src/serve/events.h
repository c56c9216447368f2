#pragma once
// Live events for the page (server-sent events, GET /api/events). Publishers (the database
// watcher, the render worker) append named JSON events; every open stream waits for the ones
// after the last it sent. The hub keeps the last kKeptEvents, so a slow stream skips old progress
// rather than holding memory; the next "queue" event carries the whole state again anyway.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shotgen::serve {

struct ServerEvent {
  std::uint64_t id = 0;  // 1, 2, ... in publication order
  std::string name;      // "queue", "progress", "worker"
  std::string data;      // JSON text
};

// "id: 7\nevent: queue\ndata: {...}\n\n" (JSON text has no raw newline, so one data line).
std::string format_server_event(const ServerEvent& event);

class EventHub {
 public:
  static constexpr std::size_t kKeptEvents = 512;

  void publish(const std::string& name, const nlohmann::json& data);

  // The kept events after `last_id`, waiting up to `timeout` for the first; empty on timeout
  // and once closed.
  std::vector<ServerEvent> wait_after(std::uint64_t last_id, std::chrono::milliseconds timeout);

  std::uint64_t last_id() const;

  // Wakes every waiting stream for good (the server is stopping).
  void close();
  bool closed() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable published_;
  std::deque<ServerEvent> kept_;
  std::uint64_t last_id_ = 0;
  bool closed_ = false;
};

}  // namespace shotgen::serve
