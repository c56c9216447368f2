#include "farm/farm_state.h"

#include <algorithm>
#include <random>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "farm/farm_error.h"

namespace fs = std::filesystem;

namespace shotgen::farm {
namespace {

fs::path state_path(const fs::path& workspace_root) { return workspace_root / ".shotgen-farm.json"; }

bool same_submission(const Submission& a, const Submission& b) {
  return a.manifest_id == b.manifest_id && a.slurm_job_id == b.slurm_job_id && a.tasks == b.tasks &&
         a.submitted_at == b.submitted_at && a.cancelled == b.cancelled && a.settled == b.settled && a.jobs == b.jobs;
}

}  // namespace

bool FarmState::operator==(const FarmState& other) const {
  return workspace_id == other.workspace_id && shared_dir == other.shared_dir &&
         std::equal(submissions.begin(), submissions.end(), other.submissions.begin(), other.submissions.end(),
                    same_submission);
}

std::optional<FarmState> load_farm_state(const fs::path& workspace_root) {
  const fs::path path = state_path(workspace_root);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  try {
    const auto in = nlohmann::json::parse(read_file(path));
    FarmState state;
    state.workspace_id = in.at("workspace_id").get<std::string>();
    state.shared_dir = in.at("shared_dir").get<std::string>();
    for (const auto& s : in.at("submissions")) {
      Submission sub;
      sub.manifest_id = s.at("manifest_id").get<std::string>();
      sub.slurm_job_id = s.at("slurm_job_id").get<std::string>();
      sub.tasks = s.at("tasks").get<int>();
      sub.submitted_at = s.at("submitted_at").get<std::string>();
      sub.cancelled = s.at("cancelled").get<bool>();
      sub.settled = s.at("settled").get<std::set<int>>();
      sub.jobs = s.value("jobs", sub.tasks);  // written before jobs_per_task: one job per task
      state.submissions.push_back(std::move(sub));
    }
    return state;
  } catch (const nlohmann::json::exception& e) {
    throw farm_error(ErrorKind::Corrupt, "farm-state-invalid",
                     "the farm record cannot be read: " + std::string(e.what()), path.string(),
                     "restore it from a backup; without it the workspace no longer knows its Slurm jobs");
  }
}

FarmState require_farm_state(const fs::path& workspace_root) {
  auto state = load_farm_state(workspace_root);
  if (!state)
    throw farm_error(ErrorKind::NotFound, "farm-not-submitted", "this workspace has no farm runs",
                     workspace_root.string(), "submit its queued jobs with `shotgen farm submit`");
  return *state;
}

void save_farm_state(const fs::path& workspace_root, const FarmState& state) {
  nlohmann::json submissions = nlohmann::json::array();
  for (const auto& s : state.submissions)
    submissions.push_back({{"manifest_id", s.manifest_id},
                           {"slurm_job_id", s.slurm_job_id},
                           {"tasks", s.tasks},
                           {"submitted_at", s.submitted_at},
                           {"cancelled", s.cancelled},
                           {"settled", s.settled},
                           {"jobs", s.jobs}});
  const nlohmann::json out = {
      {"workspace_id", state.workspace_id}, {"shared_dir", state.shared_dir.string()}, {"submissions", submissions}};
  write_file_atomic(state_path(workspace_root), out.dump(2) + "\n");
}

std::string new_workspace_id() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string id;
  for (int i = 0; i < 16; ++i) id += "0123456789abcdef"[digit(device)];
  return id;
}

}  // namespace shotgen::farm
