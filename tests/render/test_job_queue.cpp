#include <gtest/gtest.h>

#include <unistd.h>

#include "core/error.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "render/job_queue.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

struct QueueFixture : ::testing::Test {
  db::Database db = db::Database::open_in_memory();
  JobQueue queue{db};
  LeaseOwner me = LeaseOwner::this_process();

  void SetUp() override {
    db::migrate(db);
    FilmSpec spec;
    spec.shots = {{"a"}, {"b"}, {"c"}};
    db::ProjectStore(db).sync(film::load_film_string(film_toml(spec), "film.toml"));
  }
  NewJob job(const std::string& shot, int take = 0, std::string params = R"({"frames":4,"width":32})",
             std::string backend = "final") {
    return {shot, take, std::move(backend), std::move(params), 40u + take, "hash-" + shot, 3};
  }
  Job get(const std::string& id) { return *queue.find(id); }
};

TEST(JobIdentity, StableAndSensitiveToEveryField) {
  const auto base = job_identity("s1", "h", "final", R"({"a":1,"b":2})", 7);
  EXPECT_EQ(base, job_identity("s1", "h", "final", R"({ "b": 2, "a": 1 })", 7));  // JSON order/spacing
  EXPECT_EQ(base.size(), 64u);
  EXPECT_NE(base, job_identity("s2", "h", "final", R"({"a":1,"b":2})", 7));
  EXPECT_NE(base, job_identity("s1", "h2", "final", R"({"a":1,"b":2})", 7));
  EXPECT_NE(base, job_identity("s1", "h", "turbo", R"({"a":1,"b":2})", 7));
  EXPECT_NE(base, job_identity("s1", "h", "final", R"({"a":1,"b":3})", 7));
  EXPECT_NE(base, job_identity("s1", "h", "final", R"({"a":1,"b":2})", 8));
  // A pinned value: identities must not change between versions (finished work would be redone).
  // sha256 of {"backend":"final","params":{},"prompt_hash":"h","seed":"0","shot":"s1","v":1}
  EXPECT_EQ(job_identity("s1", "h", "final", "{}", 0),
            "bed2d5fe64ec664f4fbbf3335de2cb2c4b198ba673670d37355b89aa68afefa2");
  EXPECT_THROW(job_identity("s1", "h", "final", "{not json", 0), Error);
}

TEST_F(QueueFixture, EnqueueIsIdempotent) {
  const auto first = queue.enqueue(job("a"));
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.job.state, JobState::Queued);
  const auto second = queue.enqueue(job("a"));
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.job.id, first.job.id);
  EXPECT_EQ(queue.list().size(), 1u);
}

TEST_F(QueueFixture, ClaimGroupsSameParametersInCandidateOrder) {
  const auto a = queue.enqueue(job("a")).job.id;
  const auto b = queue.enqueue(job("b", 0, R"({"frames":8,"width":32})")).job.id;
  const auto c = queue.enqueue(job("c")).job.id;
  const auto batch = queue.claim_batch({a, b, c}, me, 4, 60'000);
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].id, a);
  EXPECT_EQ(batch[1].id, c);
  for (const auto& j : batch) {
    EXPECT_EQ(j.state, JobState::Running);
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.lease_owner, me.id());
    EXPECT_EQ(j.batch_size, 2);
    EXPECT_TRUE(j.lease_expires_at && *j.lease_expires_at > now_unix_ms());
  }
  EXPECT_EQ(batch[0].batch_id, batch[1].batch_id);
  const auto next = queue.claim_batch({a, b, c}, me, 4, 60'000);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id, b);
  EXPECT_TRUE(queue.claim_batch({a, b, c}, me, 4, 60'000).empty());
}

TEST_F(QueueFixture, FailedAttemptsAreRetriedUpToTheCap) {
  const auto id = queue.enqueue(job("a")).job.id;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_EQ(queue.claim_batch({id}, me, 1, 60'000).size(), 1u);
    const auto state = queue.fail_attempt(id, me, "boom " + std::to_string(attempt));
    EXPECT_EQ(state, attempt < 3 ? JobState::Queued : JobState::Failed);
  }
  EXPECT_EQ(get(id).state, JobState::Failed);
  EXPECT_EQ(get(id).error, "boom 3");
  EXPECT_TRUE(queue.claim_batch({id}, me, 1, 60'000).empty());
  // Asking for the work again gives it fresh attempts.
  EXPECT_TRUE(queue.enqueue(job("a")).requeued);
  EXPECT_EQ(get(id).attempts, 0);
}

TEST_F(QueueFixture, NonRetryableFailureFailsAtOnce) {
  const auto id = queue.enqueue(job("a")).job.id;
  queue.claim_batch({id}, me, 1, 60'000);
  EXPECT_EQ(queue.fail_attempt(id, me, "disk full", false), JobState::Failed);
}

TEST_F(QueueFixture, DoneOnlyByTheLeaseHolder) {
  const auto id = queue.enqueue(job("a")).job.id;
  queue.claim_batch({id}, me, 1, 60'000);
  LeaseOwner other = me;
  other.token = "someone-else";
  EXPECT_FALSE(queue.mark_done(id, other));
  EXPECT_TRUE(queue.mark_done(id, me));
  EXPECT_EQ(get(id).state, JobState::Done);
  EXPECT_FALSE(queue.mark_done(id, me));
}

TEST_F(QueueFixture, DeadWorkersJobsAreRequeued) {
  const auto expired = queue.enqueue(job("a")).job.id;
  const auto dead_pid = queue.enqueue(job("b")).job.id;
  const auto alive = queue.enqueue(job("c")).job.id;
  const auto exhausted = queue.enqueue(job("a", 1)).job.id;
  const auto now = now_unix_ms();
  auto set_running = [&](const std::string& id, const std::string& owner, std::int64_t expires, int attempts) {
    db.prepare("UPDATE jobs SET state = 'running', lease_owner = ?2, lease_expires_at = ?3, attempts = ?4 WHERE id = ?1")
        .bind_all(id, owner, expires, attempts)
        .run();
  };
  set_running(expired, "otherhost:1:tok", now - 1000, 1);                       // lease ran out
  set_running(dead_pid, me.host + ":999999999:tok", now + 600'000, 1);          // process gone
  set_running(alive, me.host + ":" + std::to_string(getppid()) + ":tok", now + 600'000, 1);  // a live process
  set_running(exhausted, "otherhost:1:tok", now - 1000, 3);                     // kept crashing
  const auto handled = queue.recover_dead(me, now);
  EXPECT_EQ(handled.size(), 3u);
  EXPECT_EQ(get(expired).state, JobState::Queued);
  EXPECT_EQ(get(dead_pid).state, JobState::Queued);
  EXPECT_NE(get(dead_pid).error->find("died"), std::string::npos);
  EXPECT_EQ(get(alive).state, JobState::Running);
  EXPECT_EQ(get(exhausted).state, JobState::Failed);
  EXPECT_NE(get(exhausted).error->find("3 attempts"), std::string::npos);
}

TEST_F(QueueFixture, HeartbeatExtendsTheLeaseAndReportsLostJobs) {
  const auto id = queue.enqueue(job("a")).job.id;
  queue.claim_batch({id}, me, 1, 1'000);
  const auto before = *get(id).lease_expires_at;
  EXPECT_TRUE(queue.heartbeat(me, {id}, 600'000).empty());
  EXPECT_GT(*get(id).lease_expires_at, before);
  queue.cancel(id, "user");
  EXPECT_EQ(queue.heartbeat(me, {id}, 600'000), std::vector<std::string>{id});
}

TEST_F(QueueFixture, CancelRetryAndResolve) {
  const auto a = queue.enqueue(job("a")).job.id;
  const auto b = queue.enqueue(job("b")).job.id;
  EXPECT_EQ(queue.cancel(a, "user"), 1);
  EXPECT_EQ(get(a).state, JobState::Cancelled);
  EXPECT_EQ(queue.retry(a), 1);
  EXPECT_EQ(get(a).state, JobState::Queued);
  EXPECT_EQ(queue.cancel(std::nullopt, "all"), 2);
  EXPECT_EQ(queue.retry(std::nullopt), 0);  // --failed: cancelled jobs are not failed
  EXPECT_EQ(queue.resolve(b.substr(0, 12)).id, b);
  EXPECT_THROW(queue.resolve("zzzz"), Error);
  EXPECT_EQ(queue.list(JobState::Cancelled).size(), 2u);
}

TEST_F(QueueFixture, UnclaimDoesNotCountTheAttempt) {
  const auto id = queue.enqueue(job("a")).job.id;
  queue.claim_batch({id}, me, 1, 60'000);
  queue.unclaim({id}, me);
  EXPECT_EQ(get(id).state, JobState::Queued);
  EXPECT_EQ(get(id).attempts, 0);
}

TEST(LeaseOwner, ParsesItsOwnFormat) {
  const auto me = LeaseOwner::this_process();
  const auto parsed = LeaseOwner::parse(me.id());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->host, me.host);
  EXPECT_EQ(parsed->pid, getpid());
  EXPECT_FALSE(LeaseOwner::parse("garbage"));
  EXPECT_TRUE(process_alive(getpid()));
  EXPECT_FALSE(process_alive(999999999));
}

}  // namespace
}  // namespace shotgen::render
