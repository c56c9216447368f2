#pragma once
// What a workspace remembers of its farm runs: <workspace>/.shotgen-farm.json, on the workspace's
// own disk beside shotgen.db, written atomically. It names the workspace (a random id the
// manifests carry, so another workspace's manifest is refused), its shared folder, and every job
// array submitted with its Slurm job id and which of its tasks `farm collect` has settled.
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shotgen::farm {

struct Submission {
  std::string manifest_id;
  std::string slurm_job_id;
  int tasks = 0;  // array tasks
  std::string submitted_at;
  bool cancelled = false;  // by `shotgen farm cancel`: its tasks that end without a result are not failures
  std::set<int> settled;   // positions in the manifest's jobs whose outcome collect has applied
  int jobs = 0;            // jobs in the manifest (a record without it: one job per task)
  bool finished() const { return static_cast<int>(settled.size()) >= jobs; }
};

struct FarmState {
  std::string workspace_id;
  std::filesystem::path shared_dir;  // absolute
  std::vector<Submission> submissions;
  bool operator==(const FarmState&) const;
};

// nullopt when the workspace never submitted. Throws shotgen::Error for an unreadable file.
std::optional<FarmState> load_farm_state(const std::filesystem::path& workspace_root);
// Like load_farm_state, but a workspace without farm runs is an error (kind "farm-not-submitted").
FarmState require_farm_state(const std::filesystem::path& workspace_root);
void save_farm_state(const std::filesystem::path& workspace_root, const FarmState& state);

// A fresh random workspace id (16 hex digits).
std::string new_workspace_id();

}  // namespace shotgen::farm
