#include "farm/shared_folder.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "farm/farm_error.h"

namespace fs = std::filesystem;

namespace shotgen::farm {
namespace {

constexpr const char* kSubfolders[] = {"manifests", "references", "takes", "results", "logs"};

// The workspace id recorded in owner.json; empty when there is none.
std::string owner_of(const fs::path& root) {
  const fs::path owner = root / "owner.json";
  if (!fs::exists(owner)) return {};
  try {
    return nlohmann::json::parse(read_file(owner)).at("workspace_id").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw farm_error(ErrorKind::General, "shared-folder-taken", "owner.json cannot be read: " + std::string(e.what()),
                     owner.string(), "the folder is not a shotgen farm folder; pass another --shared folder");
  }
}

void require_owner(const fs::path& root, const std::string& owner, const std::string& workspace_id) {
  if (owner != workspace_id)
    throw farm_error(ErrorKind::General, "shared-folder-taken",
                     "the shared folder belongs to another workspace (" + owner + ", this one is " + workspace_id + ")",
                     root.string(), "give every workspace its own --shared folder");
}

}  // namespace

SharedFolder SharedFolder::prepare(const fs::path& dir, const std::string& workspace_id) {
  const fs::path root = fs::absolute(dir).lexically_normal();
  const std::string owner = owner_of(root);
  if (!owner.empty()) require_owner(root, owner, workspace_id);
  std::error_code ec;
  for (const char* sub : kSubfolders) {
    fs::create_directories(root / sub, ec);
    if (ec || !fs::is_directory(root / sub))
      throw Error(ErrorKind::Io, "cannot create the folder: " + (ec ? ec.message() : std::string("not a directory")),
                  (root / sub).string(), "pass a writable --shared folder that every node can see");
  }
  if (owner.empty())
    write_file_atomic(root / "owner.json", nlohmann::json{{"workspace_id", workspace_id}}.dump() + "\n");
  return SharedFolder(root);
}

SharedFolder SharedFolder::open(const fs::path& dir, const std::string& workspace_id) {
  const fs::path root = fs::absolute(dir).lexically_normal();
  const std::string owner = owner_of(root);
  if (owner.empty())
    throw farm_error(ErrorKind::NotFound, "shared-folder-missing", "the farm's shared folder is missing", root.string(),
                     "mount it on this machine, or submit again with `shotgen farm submit`");
  require_owner(root, owner, workspace_id);
  return SharedFolder(root);
}

SharedFolder SharedFolder::of_manifest(const fs::path& manifest_path) {
  return SharedFolder(fs::absolute(manifest_path).lexically_normal().parent_path().parent_path());
}

fs::path SharedFolder::manifest(const std::string& manifest_id) const {
  return root_ / "manifests" / (manifest_id + ".json");
}

fs::path SharedFolder::batch_script(const std::string& manifest_id) const {
  return root_ / "manifests" / (manifest_id + ".sh");
}

fs::path SharedFolder::result(const std::string& job_id, const std::string& run) const {
  return results_dir() / (job_id + "." + run + ".json");
}

fs::path SharedFolder::log(const std::string& run) const { return root_ / "logs" / (run + ".out"); }

std::string run_name(const std::string& slurm_job_id, int index) { return slurm_job_id + "_" + std::to_string(index); }

}  // namespace shotgen::farm
