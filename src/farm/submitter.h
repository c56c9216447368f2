#pragma once
// `shotgen farm submit`: a workspace's queued jobs onto a Slurm cluster.
//   1. plan, as a local render does before it renders (render_shots with plan_only): lint, sync
//      film.toml into the database, recover dead renders, repair bad takes and, for a selection
//      (shots, --scene, --all), queue its jobs
//   2. choose: every queued job (of the selection's shots, when there is one) except those already
//      on the farm — a task still pending or running, or a finished take waiting for
//      `farm collect` — and stale jobs, whose shot or prompt changed since they were queued
//      (counted, left queued: `shotgen render SHOT` plans them afresh)
//   3. write a manifest per job array (at most max_array_size jobs) and its batch script into the
//      shared folder, copying the shots' reference images there
//   4. submit each array with sbatch (--array=0-N[%K]) and record its Slurm job id in the
//      workspace's farm record at once
// Submitting again therefore submits only what is missing. The database is written only by step 1.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "farm/scheduler.h"
#include "render/backend.h"
#include "render/render_runner.h"

namespace shotgen::farm {

struct SubmitOptions {
  render::RenderRequest plan;        // selection, takes, seed, backend, mode (plan_only is implied)
  std::filesystem::path shared_dir;  // empty: the workspace's current one, else <workspace>/farm
  std::filesystem::path binary;      // shotgen as the nodes run it
  std::filesystem::path model_dir;   // the model folder as the nodes see it
  std::optional<std::string> partition;
  std::optional<int> gpus_per_task;
  std::optional<int> cpus_per_task;      // also the node's torch threads (SHOTGEN_THREADS)
  std::optional<int> max_parallel;       // at most K tasks of an array at once (--array=...%K)
  int jobs_per_task = 1;                 // jobs one array task renders one after the other
  std::vector<std::string> sbatch_args;  // passed through: --account, --time, --qos, ...
  int max_array_size = 1000;             // tasks per array; Slurm's default MaxArraySize allows indices up to 1000
  bool dry_run = false;                  // write the manifests and scripts, submit nothing
};

struct SubmittedArray {
  std::string manifest_id;
  std::filesystem::path manifest;
  std::filesystem::path script;
  std::vector<std::string> sbatch_args;
  std::string slurm_job_id;  // empty for a dry run
  int tasks = 0;             // array tasks
  int jobs = 0;              // jobs in the manifest
};

struct SubmitReport {
  std::filesystem::path shared_dir;
  int queued = 0;   // queued jobs of the selection
  int on_farm = 0;  // of those, already pending, running or awaiting collect
  int stale = 0;    // of those, planned from a film that has changed since
  std::vector<SubmittedArray> arrays;
  int submitted() const;  // jobs submitted
};

SubmitReport submit_to_farm(const std::filesystem::path& workspace_root, const SubmitOptions& options,
                            render::BackendRegistry& registry, Scheduler& scheduler);

// The batch script of a manifest: `exec BINARY farm work MANIFEST` (each array task's index comes
// from SLURM_ARRAY_TASK_ID), with paths quoted for sh.
std::string batch_script(const std::filesystem::path& binary, const std::filesystem::path& manifest,
                         const std::string& manifest_id, int tasks);

}  // namespace shotgen::farm
