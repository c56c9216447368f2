#include "render/take_store.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "finish/finish_plan.h"
#include "media/video_reader.h"
#include "render/job_queue.h"
#include "render/take_files.h"

namespace fs = std::filesystem;

namespace shotgen::render {

int next_take_number(const fs::path& workspace_root, const db::Database& db, const std::string& shot_id) {
  return std::max(db::ProjectStore(db).last_take_number(shot_id), last_take_number_on_disk(workspace_root, shot_id)) +
         1;
}

bool record_finished_take(const db::Database& db, const LeaseOwner& owner, const db::TakeRecord& take,
                          const std::optional<NewJob>& next_job) {
  if (!take.job_id) throw Error(ErrorKind::NotFound, "a finished take needs its job", "take of shot " + take.shot_id);
  db::Transaction tx(db);
  JobQueue queue(db);
  if (!queue.mark_done(*take.job_id, owner)) return false;
  db::ProjectStore(db).insert_take(take);
  if (next_job) queue.enqueue(*next_job);
  tx.commit();
  return true;
}

std::optional<db::TakeStatus> take_status_of_job(const db::Database& db, const std::string& job_id) {
  const auto take = db::ProjectStore(db).take_of_job(job_id);
  if (!take) return std::nullopt;
  return take->status;
}

std::optional<db::TakeRecord> chosen_take(const db::ProjectStore& store, const std::string& shot_id) {
  // The current record of each take index: takes() is in id order, so a later record of the same
  // index replaces an earlier one.
  std::map<int, db::TakeRecord> current;
  for (auto& take : store.takes(shot_id)) {
    if (take.status != db::TakeStatus::Done) continue;
    if (take.approved) return take;
    current.insert_or_assign(take.take_index, std::move(take));
  }
  if (current.empty()) return std::nullopt;
  // Only takes of the same prompts as the first take compete with it: after a prompt edit, the takes
  // of the old prompts that were not rendered again are history, and must not win on their old look.
  const db::TakeRecord& first = current.begin()->second;
  const db::TakeRecord* best = nullptr;
  std::pair<int, int> best_matched{-1, -1};
  for (const auto& [index, take] : current) {  // index order: a tie keeps the lowest take index
    if (take.positive != first.positive || take.negative != first.negative) continue;
    const LookMatch look = take_look_match(take);
    // Most looks as the film shows them; among equals, the take whose model drew more of them
    // (a pan the model drew over a pan the reframe drew).
    const std::pair<int, int> matched{look.matched(), look.drawn_matched()};
    if (matched > best_matched) {
      best_matched = matched;
      best = &take;
    }
  }
  return *best;
}

bool take_of_job_looks_as_asked(const db::Database& db, const std::string& job_id) {
  const auto take = db::ProjectStore(db).take_of_job(job_id);
  // A take rejected in review is not a take the filmmaker keeps, whatever it measured.
  return take && take->status == db::TakeStatus::Done && take_look_match(*take).as_asked();
}

LookMatch take_look_match(const db::TakeRecord& take) {
  // A record whose analysis is unreadable matches nothing: it still counts as a take, last.
  const auto analysis = nlohmann::json::parse(take.analysis_json, nullptr, /*allow_exceptions=*/false);
  return look_match(take.positive, analysis, finish::recorded_decisions(take.finish_json));
}

namespace {

// The newest finished record of take `take_number` (1-based) of the shot; `command` names the
// caller in the error when there is none.
db::TakeRecord finished_take(const db::ProjectStore& store, const std::string& shot_id, int take_number,
                             const std::string& command) {
  std::optional<db::TakeRecord> target;
  for (auto& take : store.takes(shot_id))
    if (take.status == db::TakeStatus::Done && take.take_number == take_number) target = take;
  if (!target)
    throw Error(Problem{"shot '" + shot_id + "' has no finished take " + std::to_string(take_number), command,
                        "list its takes with `shotgen take list " + shot_id + "`", ErrorKind::NotFound,
                        "unknown-take"});
  return *target;
}

}  // namespace

db::TakeRecord approve_take(const db::ProjectStore& store, const std::string& shot_id, int take_number) {
  auto target = finished_take(store, shot_id, take_number, "take approve");
  const auto& db = store.database();
  db::Transaction tx(db);
  db.prepare("UPDATE takes SET approved = 0 WHERE shot_id = ?1 AND approved = 1").bind_all(shot_id).run();
  db.prepare("UPDATE takes SET approved = 1 WHERE id = ?1").bind_all(target.id).run();
  tx.commit();
  target.approved = true;
  return target;
}

db::TakeRecord reject_take(const db::ProjectStore& store, const std::string& shot_id, int take_number) {
  auto target = finished_take(store, shot_id, take_number, "take reject");
  const auto& db = store.database();
  db::Transaction tx(db);
  db.prepare("UPDATE takes SET status = 'rejected', approved = 0, reroute_reason = ?2 WHERE id = ?1")
      .bind_all(target.id, kReviewRejectedReason)
      .run();
  tx.commit();
  target.status = db::TakeStatus::Rejected;
  target.approved = false;
  target.reroute_reason = kReviewRejectedReason;
  return target;
}

std::optional<std::string> take_file_problem(const fs::path& workspace_root, const db::TakeRecord& take) {
  const fs::path mp4 = workspace_root / take.mp4_path;
  if (!fs::exists(mp4)) return "take file " + take.mp4_path + " is missing";
  if (!take.poster_path.empty() && !fs::exists(workspace_root / take.poster_path))
    return "poster " + take.poster_path + " is missing";
  try {
    const auto probe = media::probe_video(mp4);
    if (probe.frames < 1) return "take file " + take.mp4_path + " holds no video frames";
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

std::vector<BadTake> repair_bad_takes(const fs::path& workspace_root, const db::ProjectStore& store,
                                      const std::vector<std::string>& shot_ids) {
  const std::set<std::string> wanted(shot_ids.begin(), shot_ids.end());
  std::vector<BadTake> bad;
  for (const auto& take : store.takes()) {
    if (take.mp4_path.empty()) continue;
    if (!wanted.empty() && !wanted.count(take.shot_id)) continue;
    auto problem = take_file_problem(workspace_root, take);
    if (!problem) continue;
    const auto& db = store.database();
    {
      db::Transaction tx(db);
      db.prepare(
            "UPDATE takes SET status = 'failed', job_id = NULL, mp4_path = '', poster_path = '', source_path = '', "
            "approved = 0, fault = ?2 WHERE id = ?1")
          .bind_all(take.id, *problem + " (was " + take.mp4_path + ", job " + take.job_id.value_or("-") + ")")
          .run();
      if (take.job_id) JobQueue(db).requeue_done(*take.job_id, "take file was bad: " + *problem);
      tx.commit();
    }
    // After the commit: the files are known bad and this run's to remove; a crash here leaves them
    // as unknown files, which later renders report and never delete.
    std::error_code ec;
    fs::remove(workspace_root / take.mp4_path, ec);
    if (!take.poster_path.empty()) fs::remove(workspace_root / take.poster_path, ec);
    if (!take.source_path.empty()) fs::remove(workspace_root / take.source_path, ec);
    bad.push_back({take.id, take.shot_id, take.take_index, *problem});
  }
  return bad;
}

std::string take_fault(const db::Database& db, std::int64_t take_id) {
  auto stmt = db.prepare("SELECT fault FROM takes WHERE id = ?1");
  stmt.bind(1, take_id);
  return stmt.step() ? stmt.text(0) : std::string();
}

}  // namespace shotgen::render
