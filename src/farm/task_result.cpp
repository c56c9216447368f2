#include "farm/task_result.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "farm/farm_error.h"

namespace shotgen::farm {

std::string_view task_outcome_name(TaskOutcome outcome) {
  switch (outcome) {
    case TaskOutcome::Done: return "done";
    case TaskOutcome::Failed: return "failed";
    case TaskOutcome::Lost: return "lost";
  }
  return "done";
}

nlohmann::json to_json(const TaskResult& r) {
  nlohmann::json out = {{"manifest_id", r.manifest_id},
                        {"job_id", r.job_id},
                        {"run", r.run},
                        {"outcome", std::string(task_outcome_name(r.outcome))},
                        {"host", r.host},
                        {"finished_at", r.finished_at}};
  if (r.outcome == TaskOutcome::Done) {
    out["mp4"] = r.mp4;
    out["poster"] = r.poster;
    out["mp4_sha256"] = r.mp4_sha256;
    out["poster_sha256"] = r.poster_sha256;
    out["model"] = r.model;
    out["device"] = r.device;
    out["timings"] = r.timings;
    out["started_at"] = r.started_at;
    out["analysis"] = r.analysis;
    out["negative_miss"] = r.negative_miss ? nlohmann::json(*r.negative_miss) : nlohmann::json(nullptr);
  } else {
    out["reason"] = r.reason;
    out["retryable"] = r.retryable;
  }
  return out;
}

TaskResult parse_task_result(std::string_view text, const std::string& where) {
  try {
    const auto in = nlohmann::json::parse(text);
    TaskResult r;
    r.manifest_id = in.at("manifest_id").get<std::string>();
    r.job_id = in.at("job_id").get<std::string>();
    r.run = in.at("run").get<std::string>();
    const std::string outcome = in.at("outcome").get<std::string>();
    if (outcome == "done")
      r.outcome = TaskOutcome::Done;
    else if (outcome == "failed")
      r.outcome = TaskOutcome::Failed;
    else if (outcome == "lost")
      r.outcome = TaskOutcome::Lost;
    else
      throw farm_error(ErrorKind::Corrupt, "result-invalid", "unknown outcome '" + outcome + "'", where,
                       "delete the record; the task is then judged again");
    r.host = in.at("host").get<std::string>();
    r.finished_at = in.at("finished_at").get<std::string>();
    if (r.outcome == TaskOutcome::Done) {
      r.mp4 = in.at("mp4").get<std::string>();
      r.poster = in.at("poster").get<std::string>();
      r.mp4_sha256 = in.at("mp4_sha256").get<std::string>();
      r.poster_sha256 = in.at("poster_sha256").get<std::string>();
      r.model = in.at("model").get<std::string>();
      r.device = in.at("device").get<std::string>();
      r.timings = in.at("timings");
      r.started_at = in.at("started_at").get<std::string>();
      r.analysis = in.at("analysis");
      if (!r.analysis.is_object())
        throw farm_error(ErrorKind::Corrupt, "result-invalid", "the analysis is not an object", where,
                         "delete the record; the task is then judged again");
      if (!in.at("negative_miss").is_null()) r.negative_miss = in.at("negative_miss").get<std::string>();
    } else {
      r.reason = in.at("reason").get<std::string>();
      r.retryable = in.at("retryable").get<bool>();
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw farm_error(ErrorKind::Corrupt, "result-invalid", "the task record cannot be read: " + std::string(e.what()),
                     where, "delete the record; the task is then judged again");
  }
}

void write_task_result(const SharedFolder& folder, const TaskResult& result) {
  write_file_atomic(folder.result(result.job_id, result.run), to_json(result).dump(2) + "\n");
}

std::optional<TaskResult> read_task_result(const SharedFolder& folder, const std::string& job_id,
                                           const std::string& run) {
  const auto path = folder.result(job_id, run);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  return parse_task_result(read_file(path), path.string());
}

}  // namespace shotgen::farm
