#pragma once
// Notices commits to the project database by any process, a `shotgen render` in another
// terminal as well as this server's own worker, and calls `on_change` on its own thread. It polls
// SQLite's PRAGMA data_version on a connection of its own (the value changes whenever another
// connection commits): the only way to follow a render the server did not start, and cheap enough
// to do a few times a second.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace shotgen::serve {

class DatabaseWatcher {
 public:
  DatabaseWatcher(std::filesystem::path database, std::chrono::milliseconds interval, std::function<void()> on_change);
  ~DatabaseWatcher();
  DatabaseWatcher(const DatabaseWatcher&) = delete;
  DatabaseWatcher& operator=(const DatabaseWatcher&) = delete;

 private:
  void loop();

  std::filesystem::path database_;
  std::chrono::milliseconds interval_;
  std::function<void()> on_change_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shotgen::serve
