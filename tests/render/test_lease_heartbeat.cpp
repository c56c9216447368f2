// Lease renewal on its own connection: a running job stays leased while its worker is busy.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "render/job_queue.h"
#include "render/lease_heartbeat.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

TEST(LeaseHeartbeat, RenewsTheOwnersLeasesUntilDestroyed) {
  TempDir dir;
  const fs::path path = dir.path() / "shotgen.db";
  auto db = db::open_project_database(path);
  db::ProjectStore(db).sync(film::load_film_string(film_toml(FilmSpec{}), "film.toml"));
  JobQueue queue(db);
  const LeaseOwner me = LeaseOwner::this_process();
  const LeaseOwner other{"elsewhere", 4242, "other-token"};
  const auto mine = queue.enqueue({"s1_01", 0, "final", R"({"frames":4})", 1u, "hash-a", 3}).job.id;
  const auto theirs = queue.enqueue({"s1_02", 0, "final", R"({"frames":4})", 1u, "hash-b", 3}).job.id;
  constexpr std::int64_t lease_ms = 600;  // renewed every 100 ms
  queue.claim_batch({mine}, me, 1, lease_ms);
  queue.claim_batch({theirs}, other, 1, lease_ms);
  const auto expiry = [&](const std::string& id) { return *queue.find(id)->lease_expires_at; };
  const std::int64_t claimed_until = expiry(mine);
  const std::int64_t theirs_until = expiry(theirs);
  std::int64_t renewed_until = 0;
  {
    Heartbeat heartbeat(path, me, lease_ms);
    // Nothing else touches the database: without renewal the lease would have run out by now.
    while (now_unix_ms() <= claimed_until + lease_ms) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);  // a loaded machine
    while (expiry(mine) <= now_unix_ms() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    renewed_until = expiry(mine);
    EXPECT_GT(renewed_until, claimed_until + lease_ms);
    EXPECT_EQ(expiry(theirs), theirs_until);  // only the owner's leases are renewed
    // A recovering worker finds the other owner's job dead and leaves the renewed one alone.
    const LeaseOwner checker{"checker", 1, "checker-token"};
    EXPECT_EQ(queue.recover_dead(checker, now_unix_ms()), std::vector<std::string>{theirs});
    EXPECT_EQ(queue.find(mine)->state, JobState::Running);
  }
  // Destroyed: the renewals stop with it.
  renewed_until = expiry(mine);
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * lease_ms / 6));  // three beats' time
  EXPECT_EQ(expiry(mine), renewed_until);
}

}  // namespace
}  // namespace shotgen::render
