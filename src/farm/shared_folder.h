#pragma once
// The shared folder of a workspace's farm runs: a folder every node and the submitting machine see
// (NFS, Lustre, ...). Nodes write only here; the project database never lives here (SQLite must
// not be written over a network filesystem), and `shotgen farm collect` copies takes out of it.
//
//   owner.json                      {"workspace_id"}: one workspace per folder
//   manifests/<manifest id>.json    what one job array renders (farm/manifest.h)
//   manifests/<manifest id>.sh      its batch script: `shotgen farm work <manifest>`
//   references/<sha256>.png         reference images of the manifests' shots
//   takes/<job id>.<run>.mp4|.png   written by the nodes (temporary name + rename)
//   results/<job id>.<run>.json     the outcome of one array task (farm/task_result.h)
//   logs/<slurm job>_<index>.out    Slurm's output of each array task
// <run> names one array task: "<slurm job id>_<index>".
#include <filesystem>
#include <string>

namespace shotgen::farm {

class SharedFolder {
 public:
  // Creates the layout for `workspace_id`. Refuses (kind "shared-folder-taken") a folder that
  // belongs to another workspace, which would mix two films' results.
  static SharedFolder prepare(const std::filesystem::path& dir, const std::string& workspace_id);
  // An existing shared folder of `workspace_id` (same refusal; kind "shared-folder-missing" when
  // it is gone or was never prepared).
  static SharedFolder open(const std::filesystem::path& dir, const std::string& workspace_id);
  // The folder a manifest file lives in (<folder>/manifests/<id>.json), as a node finds it.
  static SharedFolder of_manifest(const std::filesystem::path& manifest_path);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path manifest(const std::string& manifest_id) const;
  std::filesystem::path batch_script(const std::string& manifest_id) const;
  std::filesystem::path results_dir() const { return root_ / "results"; }
  std::filesystem::path takes_dir() const { return root_ / "takes"; }
  std::filesystem::path result(const std::string& job_id, const std::string& run) const;
  std::filesystem::path log(const std::string& run) const;
  // sbatch --output pattern for logs/<slurm job>_<index>.out
  std::filesystem::path log_pattern() const { return root_ / "logs" / "%A_%a.out"; }
  // `relative` ("takes/...", "references/...") under the folder.
  std::filesystem::path file(const std::string& relative) const { return root_ / relative; }

 private:
  explicit SharedFolder(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

// The run name of array task `index` of Slurm job `slurm_job_id`: "<id>_<index>".
std::string run_name(const std::string& slurm_job_id, int index);

}  // namespace shotgen::farm
