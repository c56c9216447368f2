#pragma once
// Planning a render (render_runner.h, steps 1 and 5): which shots a request selects, and the jobs
// that render their takes, queued in story order. Shared by render_shots() and enqueue_render(),
// so that a request enqueued now is found, not planned again, by a later render.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "film/film.h"
#include "render/backend.h"
#include "render/job_queue.h"
#include "render/render_runner.h"

namespace shotgen::render {

// The job that renders take `take_index` of `shot` on `backend` (its identity, parameters and
// prompt hash), as planning and the re-route create it.
NewJob job_for(const film::Film& film, const film::Shot& shot, int take_index, std::uint64_t seed,
               const Backend& backend);
// Frames for a shot: round(duration × fps) clamped to [1, kMaxShotFrames].
int shot_frames(const film::Film& film, const film::Shot& shot);
// The seed of take `take_index` (0-based) of `shot`.
std::uint64_t take_seed(const film::Film& film, const film::Shot& shot, int take_index,
                        const std::optional<std::uint64_t>& override_seed);

// The shots `request` selects: with `all` every shot in story order; else the scene's shots in
// story order, then the named shots not among them in the order given. Throws shotgen::Error
// naming an unknown scene or shot (the request stops before the database changes).
std::vector<const film::Shot*> select_shots(const film::Film& film, const RenderRequest& request);

// What plan_jobs() found for a request.
struct Plan {
  std::vector<std::string> job_ids;  // jobs to run, story order
  int already_done = 0;
};

// Enqueues, in one transaction, the job of every take of `shots` (request.takes or each shot's
// `takes`) on the first backend of its route whose take was not rejected; a done job is counted
// in already_done instead. Planning the same shots again finds the same jobs.
Plan plan_jobs(const film::Film& film, const std::vector<const film::Shot*>& shots, const RenderRequest& request,
               const BackendRegistry& registry, JobQueue& queue);

// The film's shots that have a queued job (running the queue without a shot selection).
std::vector<const film::Shot*> shots_with_queued_jobs(const film::Film& film, const db::Database& db);

// Queued jobs in story order (running the queue without a shot selection).
std::vector<std::string> queued_jobs_in_story_order(const film::Film& film, const JobQueue& queue);

}  // namespace shotgen::render
