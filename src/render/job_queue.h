#pragma once
// The render queue, kept in the project database (table `jobs`, schemas/001_initial.sql).
//
// A job renders one take of one shot on one backend. Its id is its identity: the SHA-256 of
// (shot id, generation hash of the assembled prompt, backend, parameters, seed), so enqueueing the
// same work again finds the existing job and finished work is never redone.
//
// States: queued → running → done | failed | cancelled.
//   claim      queued → running: lease owner "host:pid:token", lease expiry, heartbeat; attempts+1
//   heartbeat  extends the lease of every job the owner holds
//   done       by the runner, in the same transaction that records the take
//   fail       running → queued again while attempts < max_attempts, else failed (reason kept)
//   recover    a running job whose lease expired, or whose owner is a process of this host that no
//              longer exists, is a dead worker's job: queued again, or failed once its attempts
//              are used up (a job that keeps crashing its worker is not retried forever)
//   enqueue    a failed or cancelled job asked for again (shotgen render) is queued with fresh
//              attempts: the cap bounds retries within one run, the user decides about the next
//   cancel     queued or running → cancelled (a running job's worker discards its result)
//   retry      failed or cancelled → queued with fresh attempts
// Every state change is one transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.h"

namespace shotgen::render {

enum class JobState { Queued, Running, Done, Failed, Cancelled };
std::string_view job_state_name(JobState state);  // "queued", "running", ...
JobState job_state_from_name(std::string_view name);

inline constexpr int kDefaultMaxAttempts = 3;

// Canonical JSON of the identity fields, hashed: {"backend","params","prompt_hash","seed","shot","v"}.
// `params_json` is parsed and re-serialized (key order and spacing do not matter).
std::string job_identity(std::string_view shot_id, std::string_view prompt_hash, std::string_view backend,
                         std::string_view params_json, std::uint64_t seed);

struct NewJob {
  std::string shot_id;
  int take_index = 0;  // 0-based; shown to users as take_index + 1
  std::string backend;
  std::string params_json;
  std::uint64_t seed = 0;
  std::string prompt_hash;  // prompt::generation_hash(...)
  int max_attempts = kDefaultMaxAttempts;
  std::string id() const { return job_identity(shot_id, prompt_hash, backend, params_json, seed); }
};

struct Job {
  std::string id;
  std::string shot_id;
  int take_index = 0;
  std::string backend;
  std::string params_json;
  std::uint64_t seed = 0;
  std::string prompt_hash;
  JobState state = JobState::Queued;
  int attempts = 0;
  int max_attempts = kDefaultMaxAttempts;
  std::optional<std::string> lease_owner;
  std::optional<std::int64_t> lease_expires_at;  // unix ms
  std::optional<std::int64_t> heartbeat_at;      // unix ms
  std::optional<std::string> error;
  std::optional<std::string> batch_id;
  std::optional<int> batch_size;
  std::string created_at;
  std::string updated_at;
};

nlohmann::json to_json(const Job& job);

// Who holds a lease: "host:pid:token" (token random per process, so a reused pid is not mistaken
// for the original owner by anyone comparing owners).
struct LeaseOwner {
  std::string host;
  long pid = 0;
  std::string token;
  std::string id() const;
  static LeaseOwner this_process();
  // Parses "host:pid:token"; nullopt for anything else.
  static std::optional<LeaseOwner> parse(std::string_view text);
};

// Whether a process with `pid` exists on this machine.
bool process_alive(long pid);

std::int64_t now_unix_ms();

struct EnqueueResult {
  Job job;
  bool created = false;   // a new row
  bool requeued = false;  // was failed or cancelled, queued again
};

class JobQueue {
 public:
  explicit JobQueue(const db::Database& db) : db_(db) {}

  // Inserts `job`, or finds it by identity (requeueing it when failed or cancelled).
  EnqueueResult enqueue(const NewJob& job);

  std::optional<Job> find(const std::string& id) const;
  // Every job, oldest first; only those in `state` when given.
  std::vector<Job> list(std::optional<JobState> state = std::nullopt) const;
  // Resolves a job id or a unique prefix of one (as `shotgen queue` prints them). Throws
  // shotgen::Error for no match or an ambiguous prefix.
  Job resolve(const std::string& id_or_prefix) const;

  // Requeues (or fails, when out of attempts) running jobs of dead workers: lease expired at
  // `now_ms`, or owner on this host whose process is gone. Jobs held by `self` are left alone.
  // Returns the ids handled.
  std::vector<std::string> recover_dead(const LeaseOwner& self, std::int64_t now_ms);

  // Claims a batch from `candidates` (job ids in priority order): the first queued candidate and
  // the following queued candidates with the same backend and parameters (same size and length,
  // so they share one model forward), at most `max_batch`. Returns them running, in order; empty
  // when no candidate is queued.
  std::vector<Job> claim_batch(const std::vector<std::string>& candidates, const LeaseOwner& owner, int max_batch,
                               std::int64_t lease_ms);

  // Puts claimed jobs back to queued without counting the attempt (the batch is retried smaller
  // after an out-of-memory error). Only jobs still running under `owner` change.
  void unclaim(const std::vector<std::string>& ids, const LeaseOwner& owner);

  // Extends the lease of every job `owner` holds. Returns the ids of jobs it no longer holds
  // among `expected` (cancelled meanwhile).
  std::vector<std::string> heartbeat(const LeaseOwner& owner, const std::vector<std::string>& expected,
                                     std::int64_t lease_ms);

  // A failed attempt: queued again while attempts < max_attempts, else failed. `retryable` false
  // fails it at once (a fault a retry in this run cannot fix). Returns the new state; nullopt if
  // `owner` no longer held the job (cancelled meanwhile).
  std::optional<JobState> fail_attempt(const std::string& id, const LeaseOwner& owner, const std::string& reason,
                                       bool retryable = true);

  // Marks the job done (call inside the transaction that records its take). False if `owner` no
  // longer holds it.
  bool mark_done(const std::string& id, const LeaseOwner& owner);

  // running (under `owner`) → cancelled with `reason` (Ctrl-C).
  void mark_cancelled(const std::vector<std::string>& ids, const LeaseOwner& owner, const std::string& reason);

  // A done job whose take turned out broken: queued again with fresh attempts.
  void requeue_done(const std::string& id, const std::string& reason);

  // The job of a take file adopted from its tags (take_adoption.h): inserted as done when the
  // database does not have it, else set done from whatever state it was in.
  void record_adopted(const NewJob& job);

  // queued/running → cancelled. `id` empty = every queued or running job. Returns the count.
  int cancel(const std::optional<std::string>& id, const std::string& reason);
  // failed/cancelled → queued. `id` empty = every failed job. Returns the count.
  int retry(const std::optional<std::string>& id);

  const db::Database& database() const { return db_; }

 private:
  const db::Database& db_;
};

}  // namespace shotgen::render
