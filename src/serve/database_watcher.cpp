#include "serve/database_watcher.h"

#include <optional>

#include "db/database.h"

namespace shotgen::serve {

DatabaseWatcher::DatabaseWatcher(std::filesystem::path database, std::chrono::milliseconds interval,
                                 std::function<void()> on_change)
    : database_(std::move(database)), interval_(interval), on_change_(std::move(on_change)), thread_([this] { loop(); }) {}

DatabaseWatcher::~DatabaseWatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DatabaseWatcher::loop() {
  std::optional<db::Database> db;
  std::optional<std::int64_t> seen;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [&] { return stopping_; })) {
    lock.unlock();
    try {
      if (!db) db = db::Database::open(database_);
      auto statement = db->prepare("PRAGMA data_version");
      statement.step();
      const std::int64_t version = statement.int64(0);
      if (seen != version) {
        on_change_();
        seen = version;  // only once handled: a failed handler is retried at the next poll
      }
    } catch (const std::exception&) {
      // A busy or briefly unreadable database delays this poll; the next one tries again.
      db.reset();
    }
    lock.lock();
  }
}

}  // namespace shotgen::serve
