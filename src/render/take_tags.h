#pragma once
// The MP4 tags of a take file. They carry the whole take record — prompts, seed, backend, model,
// render parameters, take number and slot, status (kept or rejected) and why, job, analysis,
// timings, creation time — so a take file describes itself: ffprobe, mediainfo and exiftool show
// how it was made, and `shotgen adopt` rebuilds the record from the file alone.
//
// Tags other tools read: title, comment (the A1111 infotext, generation_parameters.h) and
// creation_time (ISO 8601 UTC, in the MP4 header). shotgen's own: shotgen_film, shotgen_shot,
// shotgen_take (number), shotgen_take_index (0-based slot), shotgen_status ("kept" | "rejected"),
// shotgen_reroute_reason, shotgen_prompt, shotgen_negative, shotgen_seed, shotgen_model,
// shotgen_backend, shotgen_params (the canonical parameters JSON), shotgen_steps,
// shotgen_guidance, shotgen_sampler, shotgen_size ("WxH", the generation size),
// shotgen_prompt_hash, shotgen_job, shotgen_created_at, shotgen_timings, shotgen_analysis.
#include <map>
#include <string>

#include "core/error.h"
#include "db/project_store.h"
#include "render/job_queue.h"

namespace shotgen::render {

using Tags = std::map<std::string, std::string>;

// The tags of `take` (status Done or Rejected; job_id set).
Tags take_tags(const db::TakeRecord& take, const std::string& film_title);

struct TaggedTake {
  db::TakeRecord take;  // without id, paths, approval and revision ids: the file does not know them
  NewJob job;           // the job that rendered it; job.id() == *take.job_id
};

// Reads a take back from its file's tags. A Problem of kind Corrupt names the first missing or
// malformed tag, or a job id that is not the identity of the recorded fields (edited tags).
Outcome<TaggedTake> take_from_tags(const Tags& tags);

}  // namespace shotgen::render
