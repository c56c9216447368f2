#pragma once
// The film as stored in the project database, with its history: shots are archived rather than
// deleted, every previous version of a shot is kept, and the style and negative blocks are
// revisions that takes refer to. sync() imports a Film, load_film() gives it back.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "film/film.h"

namespace shotgen::db {

struct StyleRevision {
  std::int64_t id = 0;
  std::string text;
  std::string created_at;
};

struct NegativeRevision {
  std::int64_t id = 0;
  film::NegativeBlock block;
  std::string created_at;
};

// A stored shot, active or archived.
struct ShotRecord {
  film::Shot shot;          // `source` is empty: file positions are not stored
  std::string scene_id;
  int position = 0;         // order within the scene
  bool archived = false;
  std::string updated_at;
};

// One previous version of a shot (shot_revisions).
struct ShotHistoryEntry {
  int revision = 0;         // 1, 2, ... per shot
  std::string reason;       // what happened to this version: "edited", "archived", "restored"
  ShotRecord before;        // the shot as it was
  std::string created_at;
};

enum class TakeStatus { Done, Rejected, Failed };
std::string_view take_status_name(TakeStatus);  // "done", "rejected", "failed"

// One render of a shot: everything needed to audit and reproduce it.
struct TakeRecord {
  std::int64_t id = 0;                             // assigned by insert_take
  std::string shot_id;
  int take_index = 0;                              // slot among the shot's requested takes (picks the seed)
  int take_number = 0;                             // unique per shot, as users see it; 0: the next is assigned
  std::optional<std::string> job_id;               // the queue job that produced it
  std::string positive;                            // exact prompts sent to the backend
  std::string negative;
  std::optional<std::int64_t> style_revision_id;   // revisions the prompts were assembled from
  std::optional<std::int64_t> negative_revision_id;
  std::uint64_t seed = 0;
  std::string backend;
  std::string model;
  std::string params_json = "{}";
  std::string prompt_hash;
  TakeStatus status = TakeStatus::Done;
  std::string mp4_path;                            // relative to the workspace; empty if none
  std::string poster_path;
  std::string frames_dir;
  std::string timings_json = "{}";
  bool approved = false;
  std::string reroute_reason;
  std::string analysis_json = "{}";                // the analyzers' measures of the generated frames
  std::string created_at;  // when the render started; insert_take fills in "now" when empty
  std::string finish_json;  // the finishing plan the MP4 was finished with (finish/finish_plan.h); '' if none
  std::string source_path;  // the generated frames, lossless (finish/source_frames.h); '' if none
};

struct SyncReport {
  std::string title;
  // Shot ids by what sync did to them.
  std::vector<std::string> added;      // new shots
  std::vector<std::string> updated;    // content or scene changed (previous version kept in history)
  std::vector<std::string> restored;   // archived shots that are back in film.toml
  std::vector<std::string> moved;      // only their position in the story changed
  std::vector<std::string> archived;   // no longer in film.toml
  std::vector<std::string> unchanged;
  std::int64_t style_revision_id = 0;
  bool new_style_revision = false;
  std::int64_t negative_revision_id = 0;
  bool new_negative_revision = false;
  bool film_settings_changed = false;  // [film], [look], [render], [routing], references, scenes
  // True when sync wrote anything at all.
  bool changed() const;
};

class ProjectStore {
 public:
  // `db` must be migrated (open_project_database) and outlive the store.
  explicit ProjectStore(const Database& db) : db_(db) {}

  // Imports `film` in one transaction; writes nothing when the database already holds it.
  SyncReport sync(const film::Film& film);

  bool has_film() const;
  // The film as last synced: active scenes and shots in story order. Throws if never synced.
  film::Film load_film() const;

  StyleRevision current_style_revision() const;
  NegativeRevision current_negative_revision() const;
  std::optional<StyleRevision> style_revision(std::int64_t id) const;
  std::optional<NegativeRevision> negative_revision(std::int64_t id) const;
  // All revisions, oldest first.
  std::vector<StyleRevision> style_revisions() const;
  std::vector<NegativeRevision> negative_revisions() const;

  // Shots in story order (archived ones after the active ones when included).
  std::vector<ShotRecord> shots(bool include_archived = false) const;
  std::optional<ShotRecord> shot(const std::string& id) const;
  // Previous versions of a shot, oldest first.
  std::vector<ShotHistoryEntry> shot_history(const std::string& shot_id) const;

  // Inserts a take (inside the caller's transaction if there is one) and returns its id. A take
  // number already used by the shot is a constraint error.
  std::int64_t insert_take(const TakeRecord& take);
  // The highest take number of `shot_id` recorded so far (0 when none).
  int last_take_number(const std::string& shot_id) const;
  // Takes in insertion order; only those of `shot_id` when given.
  std::vector<TakeRecord> takes(const std::optional<std::string>& shot_id = std::nullopt) const;
  // The take that job `job_id` produced (a job produces at most one), or nullopt.
  std::optional<TakeRecord> take_of_job(const std::string& job_id) const;
  // Records that a take was finished again (`shotgen finish`); its files keep their paths.
  void set_take_finish(std::int64_t take_id, const std::string& finish_json);

  const Database& database() const { return db_; }

 private:
  const Database& db_;
};

}  // namespace shotgen::db
