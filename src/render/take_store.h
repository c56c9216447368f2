#pragma once
// Takes as the render pipeline and the editor use them: which take of a shot goes into the film,
// approvals, and checking that the files a take record points at are intact.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "db/project_store.h"
#include "render/job_queue.h"
#include "render/look_match.h"

namespace shotgen::render {

// The number of a new take of `shot_id`: above every number of the shot in the database and on
// disk (take_files.h), so a take never gets the name of a file already there, known or not. A
// local render and `shotgen farm collect` number takes this way.
int next_take_number(const std::filesystem::path& workspace_root, const db::Database& db, const std::string& shot_id);

// The point of truth of a finished render (local, or a farm take being collected), in ONE
// transaction: the job `take.job_id` is marked done (only while `owner` still holds it), the take
// is recorded and `next_job` (the re-route, or the next take of a best of N) queued.
// False, with nothing written, when `owner` no longer held the job (cancelled meanwhile).
bool record_finished_take(const db::Database& db, const LeaseOwner& owner, const db::TakeRecord& take,
                          const std::optional<NewJob>& next_job);

// The status of the take job `job_id` produced; nullopt when the job has no take (yet). Planning
// reads it to walk a shot's route past a rejected take.
std::optional<db::TakeStatus> take_status_of_job(const db::Database& db, const std::string& job_id);

// The take that goes into the film: the approved take, else of the finished takes (status done;
// for each take index the newest record — a shot whose prompt changed keeps its older takes as
// history, the newest render of a take is the current one) the one whose analysis matches most of
// the look its prompt asks for (render/look_match.h; a camera move the reframe drew counts), then
// the one whose model drew most of it, the lowest take index among equals. Only the
// takes rendered from the same prompts as the first take compete with it (a take of an older
// prompt never wins on its old look).
std::optional<db::TakeRecord> chosen_take(const db::ProjectStore& store, const std::string& shot_id);

// How closely a take's recorded analysis follows its positive prompt (render/look_match.h).
LookMatch take_look_match(const db::TakeRecord& take);
// Whether the take the job `job_id` produced is kept (status done) and looks as its prompt asks;
// false when it has no take.
bool take_of_job_looks_as_asked(const db::Database& db, const std::string& job_id);

// Approves take `take_number` (as `shotgen take list` shows it: db::TakeRecord::take_number) of
// `shot_id`. Clears any earlier approval of the shot, in one transaction. Throws shotgen::Error
// when the shot has no finished take of that number.
db::TakeRecord approve_take(const db::ProjectStore& store, const std::string& shot_id, int take_number);

// Rejects take `take_number` of `shot_id` in review: the newest finished record of that take
// index becomes status rejected (reroute_reason kReviewRejectedReason), loses any approval, and
// is no longer chosen for the film; like a take the re-route check rejected, the shot's next
// render gives that take to the next backend of its route. One transaction. Throws
// shotgen::Error when the shot has no such finished take.
inline constexpr std::string_view kReviewRejectedReason = "rejected in review";
db::TakeRecord reject_take(const db::ProjectStore& store, const std::string& shot_id, int take_number);

// Why a take's files are not usable ("file missing", probe error text), or nullopt when the MP4
// probes as a video with frames and the poster exists.
std::optional<std::string> take_file_problem(const std::filesystem::path& workspace_root, const db::TakeRecord& take);

struct BadTake {
  std::int64_t take_id = 0;
  std::string shot_id;
  int take_index = 0;
  std::string problem;
};

// Checks every take of `shot_ids` (all shots when empty) that has files. Each bad one is, in one
// transaction, marked failed with the problem in `fault`, its job link and paths cleared, and its
// job queued again; its files are deleted after the commit.
std::vector<BadTake> repair_bad_takes(const std::filesystem::path& workspace_root, const db::ProjectStore& store,
                                      const std::vector<std::string>& shot_ids = {});

// The `fault` column (schema 002) of a take: why its files were found bad, '' if never.
std::string take_fault(const db::Database& db, std::int64_t take_id);

}  // namespace shotgen::render
