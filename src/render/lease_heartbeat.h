#pragma once
// Lease renewal for a render (job_queue.h: a running job's lease expires unless its owner renews
// it). A thread on its own connection renews every lease of its owner every lease_ms / 6 (at least
// every 50 ms), independent of how long a model step takes, so that a slow step never makes a live
// worker look dead to recover_dead.
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>

#include "db/database.h"
#include "render/job_queue.h"

namespace shotgen::render {

// Renews `owner`'s leases from construction until destruction.
class Heartbeat {
 public:
  Heartbeat(const std::filesystem::path& database, LeaseOwner owner, std::int64_t lease_ms);
  ~Heartbeat();

 private:
  void loop();

  db::Database db_;
  LeaseOwner owner_;
  std::int64_t lease_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shotgen::render
