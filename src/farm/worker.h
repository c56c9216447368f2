#pragma once
// `shotgen farm work MANIFEST INDEX`, what one array task runs on a node: it reads the manifest
// (refusing one that was edited) and renders the task's jobs (jobs[INDEX] with one job per task,
// manifest.jobs_of_task(INDEX) otherwise) one after the other on their backends, the model loaded
// once. For each job it writes the take MP4 and poster into the shared folder (temporary name +
// rename) and then, as the job's last act, its result record (farm/task_result.h). A task killed
// mid-way leaves no record for the job it was rendering, so nothing of that job is collected;
// the jobs it finished before are. The worker never opens a project database.
//
// A render that fails writes a `failed` record with the reason (a model on the node that differs
// from the one the jobs were planned with is not retryable). A manifest that cannot be trusted or
// an index outside it writes nothing: the error goes to the task's Slurm log, and collect records
// the task as lost with that log's last line.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/project_store.h"
#include "farm/manifest.h"
#include "farm/task_result.h"
#include "render/backend.h"

namespace shotgen::farm {

struct WorkContext {
  std::string run;   // "<slurm job id>_<index>"
  std::string host;  // the node
  // The device the backends render on ("cpu", "cuda:0"), asked once the take is rendered.
  std::function<std::string()> device;
};

// Renders the jobs of array task `index` of the manifest at `manifest_path` and returns the records
// it wrote, one per job in manifest order. Throws shotgen::Error (nothing written) for a refused
// manifest (farm/manifest.h) or, kind "index-out-of-range", a task index outside it.
std::vector<TaskResult> work_on_task(const std::filesystem::path& manifest_path, int index,
                                     render::BackendRegistry& registry, const WorkContext& context);

// The take record of a done task as far as the node knows it: everything but its take number (0),
// paths, revisions and approval. Its status is Rejected when the negative did not bite and the
// shot's route has a next backend. The node tags its files with it; `farm collect` completes it.
db::TakeRecord provisional_take(const ManifestEntry& entry, const TaskResult& result);

// SLURM_ARRAY_TASK_ID, when set to a whole number.
std::optional<int> array_index_from_environment();
// "<SLURM_ARRAY_JOB_ID>_<index>" under Slurm, else "local-<host>-<pid>".
std::string run_from_environment(int index);
// This machine's host name.
std::string this_host();

}  // namespace shotgen::farm
