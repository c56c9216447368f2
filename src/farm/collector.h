#pragma once
// `shotgen farm collect`: brings finished farm tasks home into the project database, with the same
// protocol and provenance as a local render (render/take_files.h, render/take_store.h):
//   * under the workspace's RenderLock, after the same recovery a render starts with (dead
//     workers' jobs, dead writers' temporary files, interrupted commits completed from the take
//     files' tags; take files the database does not know are never deleted)
//   * a `done` record: its files are checked against the record's SHA-256; the take gets the next
//     number of its shot (render::next_take_number) and is copied to its place in renders/ with
//     the final record's MP4 tags (render/take_tags.h; stream copy, media/mp4_retag.h) and poster
//     parameters (temporary name + rename); the MP4 must probe; then ONE transaction claims the
//     queued job, marks it done, records the take (exact prompts, the style and negative
//     revisions of submit time, seed, backend, parameters, analysis, timings) and queues the
//     re-route job when the node found the negative did not bite (render::record_finished_take,
//     what a local render commits with)
//   * a `failed` record, or a task that ended without one (written down as `lost` with Slurm's
//     state and the log's last line): the job's attempt fails with that reason — queued again
//     while attempts remain, else failed (`shotgen retry` queues it again)
//   * tasks still pending or running are left for a later collect
// Every task is settled once (the farm record keeps which), and a job that is no longer queued
// (collected before, rendered locally, cancelled) is left alone, so collecting again changes
// nothing. A manifest edited by hand or written by another workspace is refused before anything
// is written.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "farm/scheduler.h"

namespace shotgen::farm {

struct CollectReport {
  int collected = 0;               // takes recorded by this collect (re-routed ones included)
  int rerouted = 0;                // of those, rejected: the shot's next backend was queued
  int skipped = 0;                 // results whose job was no longer queued
  int adopted = 0;                 // takes of a killed collect or render whose commit was completed from their tags
  int failed = 0;                  // failed or lost tasks found (reasons in notes; their job's attempt fails
                                   // when it is still queued)
  int waiting = 0;                 // tasks still pending, running or finishing
  int unknown = 0;                 // tasks without a record while the scheduler could not be asked
  std::vector<std::string> notes;  // one line per failed, lost or skipped task
  std::optional<std::string> scheduler_problem;
};

CollectReport collect_from_farm(const std::filesystem::path& workspace_root, Scheduler& scheduler);

}  // namespace shotgen::farm
