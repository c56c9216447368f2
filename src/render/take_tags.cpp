#include "render/take_tags.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "render/backend.h"
#include "render/generation_parameters.h"

namespace shotgen::render {
namespace {

constexpr const char* kKept = "kept";
constexpr const char* kRejected = "rejected";

std::string number_text(double value) { return nlohmann::json(value).dump(); }

Problem bad_tag(const std::string& key, const std::string& why) {
  return Problem{"take tag '" + key + "' " + why, "", "the file was not written by shotgen or its tags were edited",
                 ErrorKind::Corrupt};
}

template <class Integer>
std::optional<Integer> parse_integer(const std::string& text) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Tags take_tags(const db::TakeRecord& take, const std::string& film_title) {
  const RenderParams params = RenderParams::from_json(take.params_json);
  const std::string number = std::to_string(take.take_number);
  return {{"title", film_title + " - " + take.shot_id + " take " + number},
          {"comment", a1111_parameters(take)},
          {"creation_time", take.created_at},
          {"shotgen_film", film_title},
          {"shotgen_shot", take.shot_id},
          {"shotgen_take", number},
          {"shotgen_take_index", std::to_string(take.take_index)},
          {"shotgen_status", take.status == db::TakeStatus::Rejected ? kRejected : kKept},
          {"shotgen_reroute_reason", take.reroute_reason},
          {"shotgen_prompt", take.positive},
          {"shotgen_negative", take.negative},
          {"shotgen_seed", std::to_string(take.seed)},
          {"shotgen_model", take.model},
          {"shotgen_backend", take.backend},
          {"shotgen_params", take.params_json},
          {"shotgen_steps", std::to_string(params.steps)},
          {"shotgen_guidance", number_text(params.guidance)},
          {"shotgen_sampler", params.sampler},
          {"shotgen_size", std::to_string(params.width) + "x" + std::to_string(params.height)},
          {"shotgen_prompt_hash", take.prompt_hash},
          {"shotgen_job", take.job_id.value_or("")},
          {"shotgen_created_at", take.created_at},
          {"shotgen_timings", take.timings_json},
          {"shotgen_analysis", take.analysis_json}};
}

Outcome<TaggedTake> take_from_tags(const Tags& tags) {
  for (const char* key : {"shotgen_shot", "shotgen_take", "shotgen_take_index", "shotgen_status", "shotgen_prompt",
                          "shotgen_negative", "shotgen_seed", "shotgen_model", "shotgen_backend", "shotgen_params",
                          "shotgen_prompt_hash", "shotgen_job", "shotgen_created_at"})
    if (!tags.count(key)) return bad_tag(key, "is missing");
  const auto tag = [&](const char* key) {
    const auto found = tags.find(key);
    return found == tags.end() ? std::string() : found->second;
  };
  TaggedTake out;
  db::TakeRecord& take = out.take;
  take.shot_id = tag("shotgen_shot");
  const auto number = parse_integer<int>(tag("shotgen_take"));
  if (!number || *number < 1) return bad_tag("shotgen_take", "is not a take number");
  take.take_number = *number;
  const auto index = parse_integer<int>(tag("shotgen_take_index"));
  if (!index || *index < 0) return bad_tag("shotgen_take_index", "is not a take slot");
  take.take_index = *index;
  const std::string status = tag("shotgen_status");
  if (status != kKept && status != kRejected) return bad_tag("shotgen_status", "is neither kept nor rejected");
  take.status = status == kKept ? db::TakeStatus::Done : db::TakeStatus::Rejected;
  const auto seed = parse_integer<std::uint64_t>(tag("shotgen_seed"));
  if (!seed) return bad_tag("shotgen_seed", "is not a seed");
  take.seed = *seed;
  take.positive = tag("shotgen_prompt");
  take.negative = tag("shotgen_negative");
  take.model = tag("shotgen_model");
  take.backend = tag("shotgen_backend");
  take.params_json = tag("shotgen_params");
  take.prompt_hash = tag("shotgen_prompt_hash");
  take.job_id = tag("shotgen_job");
  take.created_at = tag("shotgen_created_at");
  take.reroute_reason = tag("shotgen_reroute_reason");
  take.timings_json = tags.count("shotgen_timings") ? tag("shotgen_timings") : "{}";
  take.analysis_json = tags.count("shotgen_analysis") ? tag("shotgen_analysis") : "{}";
  for (const auto* json_text : {&take.timings_json, &take.analysis_json})
    if (!nlohmann::json::accept(*json_text)) return bad_tag("shotgen_timings/analysis", "is not JSON");

  out.job.shot_id = take.shot_id;
  out.job.take_index = take.take_index;
  out.job.backend = take.backend;
  out.job.params_json = take.params_json;
  out.job.seed = take.seed;
  out.job.prompt_hash = take.prompt_hash;
  try {
    RenderParams::from_json(take.params_json);
    if (out.job.id() != *take.job_id) return bad_tag("shotgen_job", "is not the identity of the recorded render");
  } catch (const Error&) {
    return bad_tag("shotgen_params", "is not valid render parameters");
  }
  return out;
}

}  // namespace shotgen::render
