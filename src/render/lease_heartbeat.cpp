#include "render/lease_heartbeat.h"

#include <algorithm>
#include <chrono>

namespace shotgen::render {

Heartbeat::Heartbeat(const std::filesystem::path& database, LeaseOwner owner, std::int64_t lease_ms)
    : db_(db::Database::open(database)), owner_(std::move(owner)), lease_ms_(lease_ms), thread_([this] { loop(); }) {}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Heartbeat::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(std::max<std::int64_t>(lease_ms_ / 6, 50)),
                         [&] { return stopping_; })) {
    try {
      JobQueue(db_).heartbeat(owner_, {}, lease_ms_);
    } catch (const std::exception&) {
      // A busy database delays one beat; the lease has room for several.
    }
  }
}

}  // namespace shotgen::render
