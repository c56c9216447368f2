#pragma once
// Where takes live on disk, and what a render may do to files it finds there.
//
// A take's files are named after its take number (unique per shot) and its job:
//   renders/<shot dir>/take_<number>_<first 10 hex of the job id>.mp4
//   renders/<shot dir>/take_<number>_<first 10 hex of the job id>.png   (poster frame)
//   renders/<shot dir>/take_<number>_<first 10 hex of the job id>_source.png   (the generated frames,
//                                           lossless: what `shotgen finish` finishes again)
// They are written under temporary names (core/atomic_file.h) and renamed into place; the
// database transaction that marks the job done and records the take is the point of truth.
//
// shotgen deletes only files it wrote itself: the temporary files of a writer that is no longer
// running (a killed render), and files the current run wrote and then could not record. A
// take-named file the database does not know is never deleted: it is the rename of a render
// killed before its commit (the next render completes that commit from the file's tags, see
// take_adoption.h), or a take of a database that was lost or replaced (reported;
// `shotgen adopt` re-imports it).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace shotgen::render {

// The folder name for a shot: its id with every character outside [A-Za-z0-9._-] replaced by '_'.
std::string shot_dir_name(const std::string& shot_id);

struct TakePaths {
  std::string mp4;     // relative to the workspace, '/'-separated: "renders/s1_01/take_1_ab12cd34ef.mp4"
  std::string poster;  // "renders/s1_01/take_1_ab12cd34ef.png"
  std::string source;  // "renders/s1_01/take_1_ab12cd34ef_source.png"
};
// `take_number` is 1-based (db::TakeRecord::take_number).
TakePaths take_paths(const std::string& shot_id, int take_number, const std::string& job_id);

// True for names take_paths() produces ("take_<n>_<hex>.mp4|png", "take_<n>_<hex>_source.png").
bool is_take_file_name(const std::string& file_name);
// The <n> of a take file name; nullopt for other names.
std::optional<int> take_number_of_file_name(const std::string& file_name);

// The highest take number used by a take file in the shot's folder (0 when none): new takes
// are numbered above it, so a take never gets the name of a file already on disk.
int last_take_number_on_disk(const std::filesystem::path& workspace_root, const std::string& shot_id);

// Deletes temporary files (is_temp_file_name) under `renders_dir` whose writer process is no
// longer running. Returns what was removed.
std::vector<std::filesystem::path> remove_dead_temp_files(const std::filesystem::path& renders_dir);

// Take-named files under <workspace>/renders/*/ that no take record references, as workspace-
// relative '/'-separated paths in name order. Nothing is changed.
std::vector<std::string> unknown_take_files(const std::filesystem::path& workspace_root, const db::Database& db);

// An exclusive lock on the workspace's render outputs (flock on <workspace>/.shotgen-render.lock),
// held for a render's (or an adoption's) lifetime and released by the kernel when the process
// dies, even by kill -9.
class RenderLock {
 public:
  // Throws shotgen::Error of kind ErrorKind::RenderLocked when another process holds it (so a
  // caller can wait and try again).
  explicit RenderLock(const std::filesystem::path& workspace_root);
  ~RenderLock();
  RenderLock(const RenderLock&) = delete;
  RenderLock& operator=(const RenderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace shotgen::render
