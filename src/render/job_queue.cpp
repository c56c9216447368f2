#include "render/job_queue.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <random>

#include "core/error.h"
#include "core/hash.h"

namespace shotgen::render {
namespace {

constexpr const char* kJobColumns =
    "id, shot_id, take_index, backend, params_json, seed, prompt_hash, state, attempts, max_attempts, lease_owner, "
    "lease_expires_at, heartbeat_at, error, batch_id, batch_size, created_at, updated_at";

Job read_job(const db::Statement& s) {
  Job job;
  job.id = s.text(0);
  job.shot_id = s.text(1);
  job.take_index = s.integer(2);
  job.backend = s.text(3);
  job.params_json = s.text(4);
  job.seed = static_cast<std::uint64_t>(s.int64(5));
  job.prompt_hash = s.text(6);
  job.state = job_state_from_name(s.text(7));
  job.attempts = s.integer(8);
  job.max_attempts = s.integer(9);
  job.lease_owner = s.optional_text(10);
  job.lease_expires_at = s.optional_int64(11);
  job.heartbeat_at = s.optional_int64(12);
  job.error = s.optional_text(13);
  job.batch_id = s.optional_text(14);
  if (auto size = s.optional_int64(15)) job.batch_size = static_cast<int>(*size);
  job.created_at = s.text(16);
  job.updated_at = s.text(17);
  return job;
}

std::optional<Job> find_job(const db::Database& db, const std::string& id) {
  auto stmt = db.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return read_job(stmt);
}

std::string random_token() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string token;
  for (int i = 0; i < 12; ++i) token += "0123456789abcdef"[digit(device)];
  return token;
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "localhost";
  std::string host(buffer);
  for (char& c : host)
    if (c == ':') c = '_';  // ':' separates the owner's fields
  return host;
}

}  // namespace

std::string_view job_state_name(JobState state) {
  switch (state) {
    case JobState::Queued: return "queued";
    case JobState::Running: return "running";
    case JobState::Done: return "done";
    case JobState::Failed: return "failed";
    case JobState::Cancelled: return "cancelled";
  }
  return "queued";
}

JobState job_state_from_name(std::string_view name) {
  for (JobState s : {JobState::Queued, JobState::Running, JobState::Done, JobState::Failed, JobState::Cancelled})
    if (job_state_name(s) == name) return s;
  throw Error("unknown job state '" + std::string(name) + "'", "jobs.state",
              "the database was modified by hand; set the state to queued");
}

std::string job_identity(std::string_view shot_id, std::string_view prompt_hash, std::string_view backend,
                         std::string_view params_json, std::uint64_t seed) {
  nlohmann::json params;
  try {
    params = nlohmann::json::parse(params_json);
  } catch (const nlohmann::json::exception& e) {
    throw Error("job parameters are not valid JSON: " + std::string(e.what()), "job of shot " + std::string(shot_id));
  }
  // nlohmann::json objects keep keys sorted, so dump() is canonical.
  const nlohmann::json identity = {{"v", 1},
                                   {"shot", shot_id},
                                   {"prompt_hash", prompt_hash},
                                   {"backend", backend},
                                   {"params", params},
                                   {"seed", std::to_string(seed)}};
  return sha256_hex(identity.dump());
}

nlohmann::json to_json(const Job& job) {
  nlohmann::json out = {{"id", job.id},
                        {"shot", job.shot_id},
                        {"take", job.take_index + 1},
                        {"backend", job.backend},
                        {"params", nlohmann::json::parse(job.params_json)},
                        {"seed", job.seed},
                        {"prompt_hash", job.prompt_hash},
                        {"state", std::string(job_state_name(job.state))},
                        {"attempts", job.attempts},
                        {"max_attempts", job.max_attempts},
                        {"created_at", job.created_at},
                        {"updated_at", job.updated_at}};
  out["lease_owner"] = job.lease_owner ? nlohmann::json(*job.lease_owner) : nlohmann::json(nullptr);
  out["lease_expires_at"] = job.lease_expires_at ? nlohmann::json(*job.lease_expires_at) : nlohmann::json(nullptr);
  out["heartbeat_at"] = job.heartbeat_at ? nlohmann::json(*job.heartbeat_at) : nlohmann::json(nullptr);
  out["error"] = job.error ? nlohmann::json(*job.error) : nlohmann::json(nullptr);
  out["batch_id"] = job.batch_id ? nlohmann::json(*job.batch_id) : nlohmann::json(nullptr);
  out["batch_size"] = job.batch_size ? nlohmann::json(*job.batch_size) : nlohmann::json(nullptr);
  return out;
}

std::string LeaseOwner::id() const { return host + ":" + std::to_string(pid) + ":" + token; }

LeaseOwner LeaseOwner::this_process() {
  static const LeaseOwner self{host_name(), static_cast<long>(getpid()), random_token()};
  return self;
}

std::optional<LeaseOwner> LeaseOwner::parse(std::string_view text) {
  const auto first = text.find(':');
  const auto last = text.rfind(':');
  if (first == std::string_view::npos || first == last) return std::nullopt;
  LeaseOwner owner;
  owner.host = std::string(text.substr(0, first));
  const std::string pid(text.substr(first + 1, last - first - 1));
  try {
    std::size_t used = 0;
    owner.pid = std::stol(pid, &used);
    if (used != pid.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  owner.token = std::string(text.substr(last + 1));
  return owner;
}

bool process_alive(long pid) {
  if (pid <= 0) return false;
  // Signal 0 checks existence; EPERM means it exists but belongs to someone else.
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

EnqueueResult JobQueue::enqueue(const NewJob& spec) {
  const std::string id = spec.id();
  db::Transaction tx(db_);
  EnqueueResult result;
  if (auto existing = find_job(db_, id)) {
    if (existing->state == JobState::Failed || existing->state == JobState::Cancelled) {
      db_.prepare(
             "UPDATE jobs SET state = 'queued', attempts = 0, lease_owner = NULL, lease_expires_at = NULL, "
             "updated_at = ?2 WHERE id = ?1")
          .bind_all(id, db::now_timestamp())
          .run();
      result.requeued = true;
    }
  } else {
    const auto now = db::now_timestamp();
    db_.prepare(
           "INSERT INTO jobs(id, shot_id, take_index, backend, params_json, seed, prompt_hash, state, attempts, "
           "max_attempts, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', 0, ?8, ?9, ?9)")
        .bind_all(id, spec.shot_id, spec.take_index, spec.backend, spec.params_json,
                  static_cast<std::int64_t>(spec.seed), spec.prompt_hash, spec.max_attempts, now)
        .run();
    result.created = true;
  }
  result.job = *find_job(db_, id);
  tx.commit();
  return result;
}

std::optional<Job> JobQueue::find(const std::string& id) const { return find_job(db_, id); }

std::vector<Job> JobQueue::list(std::optional<JobState> state) const {
  auto stmt = db_.prepare(std::string("SELECT ") + kJobColumns +
                          " FROM jobs WHERE ?1 IS NULL OR state = ?1 ORDER BY created_at, shot_id, take_index, id");
  stmt.bind(1, state ? std::optional<std::string>(std::string(job_state_name(*state))) : std::nullopt);
  std::vector<Job> jobs;
  while (stmt.step()) jobs.push_back(read_job(stmt));
  return jobs;
}

Job JobQueue::resolve(const std::string& id_or_prefix) const {
  if (id_or_prefix.empty()) throw Error("empty job id", "job", "pass an id as `shotgen queue` prints it");
  auto stmt = db_.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE substr(id, 1, ?2) = ?1 LIMIT 2");
  stmt.bind_all(id_or_prefix, static_cast<std::int64_t>(id_or_prefix.size()));
  std::vector<Job> found;
  while (stmt.step()) found.push_back(read_job(stmt));
  if (found.empty())
    throw Error("no job '" + id_or_prefix + "'", "job", "list the jobs with `shotgen queue`");
  if (found.size() > 1)
    throw Error("job id prefix '" + id_or_prefix + "' is ambiguous", "job", "give more characters of the id");
  return found.front();
}

std::vector<std::string> JobQueue::recover_dead(const LeaseOwner& self, std::int64_t now_ms) {
  db::Transaction tx(db_);
  std::vector<std::string> handled;
  auto stmt = db_.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE state = 'running'");
  std::vector<Job> running;
  while (stmt.step()) running.push_back(read_job(stmt));
  const std::string self_id = self.id();
  for (const Job& job : running) {
    if (job.lease_owner == self_id) continue;
    const auto owner = job.lease_owner ? LeaseOwner::parse(*job.lease_owner) : std::nullopt;
    const bool expired = !job.lease_expires_at || *job.lease_expires_at < now_ms;
    const bool gone = !owner || (owner->host == self.host && !process_alive(owner->pid)) ||
                      (owner->host == self.host && owner->pid == self.pid);  // an earlier process with our pid
    if (!expired && !gone) continue;
    const std::string why = "worker " + job.lease_owner.value_or("?") +
                            (gone ? " died" : " stopped renewing its lease") + " while rendering";
    if (job.attempts >= job.max_attempts) {
      db_.prepare(
             "UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, error = ?2, "
             "updated_at = ?3 WHERE id = ?1")
          .bind_all(job.id, why + " (" + std::to_string(job.attempts) + " attempts, the limit)", db::now_timestamp())
          .run();
    } else {
      db_.prepare(
             "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, error = ?2, "
             "updated_at = ?3 WHERE id = ?1")
          .bind_all(job.id, why + "; requeued", db::now_timestamp())
          .run();
    }
    handled.push_back(job.id);
  }
  tx.commit();
  return handled;
}

std::vector<Job> JobQueue::claim_batch(const std::vector<std::string>& candidates, const LeaseOwner& owner,
                                       int max_batch, std::int64_t lease_ms) {
  db::Transaction tx(db_);
  std::vector<Job> batch;
  for (const auto& id : candidates) {
    if (static_cast<int>(batch.size()) >= max_batch) break;
    auto job = find_job(db_, id);
    if (!job || job->state != JobState::Queued) continue;
    if (!batch.empty() && (job->backend != batch.front().backend || job->params_json != batch.front().params_json))
      continue;
    batch.push_back(*job);
  }
  if (batch.empty()) return batch;
  const std::string batch_id = sha256_hex(batch.front().id + owner.id() + std::to_string(now_unix_ms())).substr(0, 16);
  const auto now_ms = now_unix_ms();
  const auto now = db::now_timestamp();
  auto update = db_.prepare(
      "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?2, lease_expires_at = ?3, "
      "heartbeat_at = ?4, batch_id = ?5, batch_size = ?6, updated_at = ?7 WHERE id = ?1");
  for (auto& job : batch) {
    update.reset();
    update.bind_all(job.id, owner.id(), now_ms + lease_ms, now_ms, batch_id, static_cast<int>(batch.size()), now);
    update.run();
    job = *find_job(db_, job.id);
  }
  tx.commit();
  return batch;
}

void JobQueue::unclaim(const std::vector<std::string>& ids, const LeaseOwner& owner) {
  db::Transaction tx(db_);
  auto update = db_.prepare(
      "UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), lease_owner = NULL, "
      "lease_expires_at = NULL, batch_id = NULL, batch_size = NULL, updated_at = ?3 "
      "WHERE id = ?1 AND state = 'running' AND lease_owner = ?2");
  for (const auto& id : ids) {
    update.reset();
    update.bind_all(id, owner.id(), db::now_timestamp());
    update.run();
  }
  tx.commit();
}

std::vector<std::string> JobQueue::heartbeat(const LeaseOwner& owner, const std::vector<std::string>& expected,
                                             std::int64_t lease_ms) {
  db::Transaction tx(db_);
  const auto now_ms = now_unix_ms();
  db_.prepare(
         "UPDATE jobs SET heartbeat_at = ?2, lease_expires_at = ?3 WHERE state = 'running' AND lease_owner = ?1")
      .bind_all(owner.id(), now_ms, now_ms + lease_ms)
      .run();
  std::vector<std::string> lost;
  for (const auto& id : expected) {
    auto job = find_job(db_, id);
    if (!job || job->state != JobState::Running || job->lease_owner != owner.id()) lost.push_back(id);
  }
  tx.commit();
  return lost;
}

std::optional<JobState> JobQueue::fail_attempt(const std::string& id, const LeaseOwner& owner,
                                               const std::string& reason, bool retryable) {
  db::Transaction tx(db_);
  auto job = find_job(db_, id);
  if (!job || job->state != JobState::Running || job->lease_owner != owner.id()) return std::nullopt;
  const bool retry = retryable && job->attempts < job->max_attempts;
  const JobState next = retry ? JobState::Queued : JobState::Failed;
  db_.prepare(
         "UPDATE jobs SET state = ?2, lease_owner = NULL, lease_expires_at = NULL, error = ?3, updated_at = ?4 "
         "WHERE id = ?1")
      .bind_all(id, std::string(job_state_name(next)), reason, db::now_timestamp())
      .run();
  tx.commit();
  return next;
}

bool JobQueue::mark_done(const std::string& id, const LeaseOwner& owner) {
  db::Transaction tx(db_);
  auto stmt = db_.prepare(
      "UPDATE jobs SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, error = NULL, updated_at = ?3 "
      "WHERE id = ?1 AND state = 'running' AND lease_owner = ?2");
  stmt.bind_all(id, owner.id(), db::now_timestamp());
  const auto before = db_.total_changes();
  stmt.run();
  const bool changed = db_.total_changes() > before;
  tx.commit();
  return changed;
}

void JobQueue::mark_cancelled(const std::vector<std::string>& ids, const LeaseOwner& owner,
                              const std::string& reason) {
  db::Transaction tx(db_);
  auto update = db_.prepare(
      "UPDATE jobs SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, error = ?3, "
      "updated_at = ?4 WHERE id = ?1 AND state = 'running' AND lease_owner = ?2");
  for (const auto& id : ids) {
    update.reset();
    update.bind_all(id, owner.id(), reason, db::now_timestamp());
    update.run();
  }
  tx.commit();
}

void JobQueue::requeue_done(const std::string& id, const std::string& reason) {
  db::Transaction tx(db_);
  db_.prepare(
         "UPDATE jobs SET state = 'queued', attempts = 0, lease_owner = NULL, lease_expires_at = NULL, error = ?2, "
         "updated_at = ?3 WHERE id = ?1")
      .bind_all(id, reason, db::now_timestamp())
      .run();
  tx.commit();
}

void JobQueue::record_adopted(const NewJob& spec) {
  db::Transaction tx(db_);
  const auto now = db::now_timestamp();
  db_.prepare(
         "INSERT INTO jobs(id, shot_id, take_index, backend, params_json, seed, prompt_hash, state, attempts, "
         "max_attempts, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'done', 0, ?8, ?9, ?9) "
         "ON CONFLICT(id) DO UPDATE SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, error = NULL, "
         "updated_at = ?9")
      .bind_all(spec.id(), spec.shot_id, spec.take_index, spec.backend, spec.params_json,
                static_cast<std::int64_t>(spec.seed), spec.prompt_hash, spec.max_attempts, now)
      .run();
  tx.commit();
}

int JobQueue::cancel(const std::optional<std::string>& id, const std::string& reason) {
  db::Transaction tx(db_);
  const auto before = db_.total_changes();
  db_.prepare(
         "UPDATE jobs SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, error = ?2, "
         "updated_at = ?3 WHERE (?1 IS NULL OR id = ?1) AND state IN ('queued', 'running')")
      .bind_all(id, reason, db::now_timestamp())
      .run();
  const int count = static_cast<int>(db_.total_changes() - before);
  tx.commit();
  return count;
}

int JobQueue::retry(const std::optional<std::string>& id) {
  db::Transaction tx(db_);
  const auto before = db_.total_changes();
  db_.prepare(
         "UPDATE jobs SET state = 'queued', attempts = 0, lease_owner = NULL, lease_expires_at = NULL, "
         "updated_at = ?2 WHERE (?1 IS NULL AND state = 'failed') OR (id = ?1 AND state IN ('failed', 'cancelled'))")
      .bind_all(id, db::now_timestamp())
      .run();
  const int count = static_cast<int>(db_.total_changes() - before);
  tx.commit();
  return count;
}

}  // namespace shotgen::render
