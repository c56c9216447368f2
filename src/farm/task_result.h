#pragma once
// The outcome of one array task, results/<job id>.<run>.json in the shared folder, written
// atomically as the task's last act (after its take files are in place), so a task killed
// mid-way leaves no record and nothing of it is collected.
//   done    the take files (with their SHA-256), timings, device, model, node, the take's analysis
//           and the re-route check
//   failed  the reason (written by the node when the render failed)
//   lost    the reason (written by `farm collect` for a task that ended without a record:
//           cancelled, killed, node failure, time limit)
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "farm/shared_folder.h"

namespace shotgen::farm {

enum class TaskOutcome { Done, Failed, Lost };
std::string_view task_outcome_name(TaskOutcome outcome);  // "done", "failed", "lost"

struct TaskResult {
  std::string manifest_id;
  std::string job_id;
  std::string run;  // "<slurm job id>_<index>"
  TaskOutcome outcome = TaskOutcome::Done;
  std::string host;
  std::string finished_at;
  // done
  std::string mp4;     // relative to the shared folder: "takes/<job id>.<run>.mp4"
  std::string poster;  // "takes/<job id>.<run>.png"
  std::string mp4_sha256;
  std::string poster_sha256;
  std::string model;                                  // the model id the node rendered with ("<dir>@<hash>")
  std::string device;                                 // "cpu", "cuda:0"
  nlohmann::json timings = nlohmann::json::object();  // load_s, model_s, encode_s, total_s, queue_wait_s
  std::string started_at;
  nlohmann::json analysis = nlohmann::json::object();  // analyze::to_json of the generated frames
  std::optional<std::string> negative_miss;            // the re-route check: why the negative did not bite
  // failed | lost
  std::string reason;
  bool retryable = true;  // false: a fault a retry cannot fix (the model differs, ...)
};

nlohmann::json to_json(const TaskResult& result);
// Throws shotgen::Error (kind "result-invalid") naming `where`.
TaskResult parse_task_result(std::string_view text, const std::string& where);

// results/<job id>.<run>.json, written atomically.
void write_task_result(const SharedFolder& folder, const TaskResult& result);
// The record of `run` for `job_id`, nullopt when there is none. Throws for an unreadable one.
std::optional<TaskResult> read_task_result(const SharedFolder& folder, const std::string& job_id,
                                           const std::string& run);

}  // namespace shotgen::farm
