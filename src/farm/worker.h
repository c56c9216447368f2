#pragma once
// `shotgen farm work MANIFEST INDEX`, what one array task runs on a node: it reads the manifest
// (refusing one that was edited), renders jobs[INDEX] on its backend, writes the take MP4 and
// poster into the shared folder (temporary name + rename), and then, as its last act, the task's
// result record (farm/task_result.h). A task killed before that leaves no record, so nothing of
// it is collected. The worker never opens a project database.
//
// A render that fails writes a `failed` record with the reason (a model on the node that differs
// from the one the jobs were planned with is not retryable). A manifest that cannot be trusted or
// an index outside it writes nothing: the error goes to the task's Slurm log, and collect records
// the task as lost with that log's last line.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

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

// Renders jobs[index] of the manifest at `manifest_path` and returns the record it wrote. Throws
// shotgen::Error (nothing written) for a refused manifest (farm/manifest.h) or, kind
// "index-out-of-range", an index outside it.
TaskResult work_on_task(const std::filesystem::path& manifest_path, int index, render::BackendRegistry& registry,
                        const WorkContext& context);

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
