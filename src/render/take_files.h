#pragma once
// Where takes live on disk and how a killed render is cleaned up.
//
// A take's files have deterministic names derived from its job:
//   renders/<shot dir>/take_<n>_<first 10 hex of the job id>.mp4   (n = take index + 1)
//   renders/<shot dir>/take_<n>_<first 10 hex of the job id>.png   (poster frame)
// They are written under temporary names (core/atomic_file.h) and renamed into place; the
// database transaction that marks the job done and records the take is the point of truth.
// So after a crash a file can be (a) a temporary file: deleted, or (b) a final-named take file no
// take record points at (renamed, not yet committed): an orphan, deleted. Nothing else is left.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace shotgen::render {

// The folder name for a shot: its id with every character outside [A-Za-z0-9._-] replaced by '_'.
std::string shot_dir_name(const std::string& shot_id);

struct TakePaths {
  std::string mp4;     // relative to the workspace, '/'-separated: "renders/s1_01/take_1_ab12cd34ef.mp4"
  std::string poster;  // "renders/s1_01/take_1_ab12cd34ef.png"
};
TakePaths take_paths(const std::string& shot_id, int take_index, const std::string& job_id);

// True for names take_paths() produces ("take_<n>_<hex>.mp4|png").
bool is_take_file_name(const std::string& file_name);

// Deletes every temporary file (is_temp_file_name) under `renders_dir`. Returns what was removed.
std::vector<std::filesystem::path> remove_temp_files(const std::filesystem::path& renders_dir);

// Deletes take files under <workspace>/renders/*/ that no take record references. Call only while
// holding the RenderLock (another render's just-renamed files would look orphaned).
std::vector<std::filesystem::path> remove_orphan_take_files(const std::filesystem::path& workspace_root,
                                                            const db::Database& db);

inline constexpr std::string_view kRenderLockedKind = "render-locked";

// An exclusive lock on the workspace's render outputs (flock on <workspace>/.shotgen-render.lock),
// held for a render's lifetime and released by the kernel when the process dies, even by kill -9.
class RenderLock {
 public:
  // Throws shotgen::Error when another process holds it (Problem::kind kRenderLockedKind, so a
  // caller can wait and try again).
  explicit RenderLock(const std::filesystem::path& workspace_root);
  ~RenderLock();
  RenderLock(const RenderLock&) = delete;
  RenderLock& operator=(const RenderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace shotgen::render
