#include "render/job_planner.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "core/hash.h"
#include "db/project_store.h"
#include "prompt/assembler.h"
#include "render/router.h"
#include "render/take_store.h"

namespace shotgen::render {

std::vector<const film::Shot*> select_shots(const film::Film& film, const RenderRequest& request) {
  std::vector<const film::Shot*> out;
  if (request.all) {
    for (const auto& scene : film.scenes)
      for (const auto& shot : scene.shots) out.push_back(&shot);
    return out;
  }
  if (request.scene) {
    const film::Scene* found = nullptr;
    for (const auto& scene : film.scenes)
      if (scene.id == *request.scene) found = &scene;
    if (!found) {
      std::string ids;
      for (const auto& scene : film.scenes) ids += (ids.empty() ? "" : ", ") + scene.id;
      throw Error("unknown scene '" + *request.scene + "'", "--scene", "scenes: " + ids);
    }
    for (const auto& shot : found->shots) out.push_back(&shot);
  }
  for (const auto& id : request.shots) {
    const film::Shot* shot = film.find_shot(id);
    if (!shot) throw Error("unknown shot '" + id + "'", "shotgen render", "list the shots with `shotgen lint` or film.toml");
    if (std::find(out.begin(), out.end(), shot) == out.end()) out.push_back(shot);
  }
  return out;
}

Plan plan_jobs(const film::Film& film, const std::vector<const film::Shot*>& shots, const RenderRequest& request,
               const BackendRegistry& registry, JobQueue& queue) {
  const auto caps = registry.caps();
  Plan plan;
  db::Transaction tx(queue.database());
  for (const film::Shot* shot : shots) {
    const int takes = request.best_of.value_or(request.takes.value_or(shot->takes));
    if (takes < 1) throw Error("--takes must be at least 1", "--takes", "pass --takes 1 or more");
    const Route route = route_shot(film, *shot, request.mode, request.backend, caps);
    for (int take = 0; take < takes; ++take) {
      std::optional<std::string> done_job;  // the take's finished job, when it is finished
      const std::uint64_t seed = take_seed(film, *shot, take, request.seed);
      // Walk the route: a backend whose take was rejected (its negative did not bite) hands the
      // take to the next one, whose job the re-route already queued.
      for (std::size_t b = 0; b < route.backends.size(); ++b) {
        const NewJob job = job_for(film, *shot, take, seed, registry.get(route.backends[b]));
        const auto existing = queue.find(job.id());
        if (existing && existing->state == JobState::Done &&
            take_status_of_job(queue.database(), existing->id) == db::TakeStatus::Rejected &&
            b + 1 < route.backends.size())
          continue;
        if (existing && existing->state == JobState::Done) {
          ++plan.already_done;
          done_job = existing->id;
        } else {
          const auto result = queue.enqueue(job);
          plan.job_ids.push_back(result.job.id);
        }
        break;
      }
      // Best of N: the next take is planned only after this one finished and missed its look (a
      // render queues it then, with the take's record), so planning again continues the same walk.
      if (request.best_of) {
        const bool finished_and_missed = done_job && !take_of_job_looks_as_asked(queue.database(), *done_job);
        if (!finished_and_missed) break;
      }
    }
  }
  tx.commit();
  return plan;
}

std::vector<const film::Shot*> shots_with_queued_jobs(const film::Film& film, const db::Database& db) {
  std::set<std::string> queued;
  for (const auto& job : JobQueue(db).list(JobState::Queued)) queued.insert(job.shot_id);
  std::vector<const film::Shot*> shots;
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots)
      if (queued.count(shot.id)) shots.push_back(&shot);
  return shots;
}

std::vector<std::string> queued_jobs_in_story_order(const film::Film& film, const JobQueue& queue) {
  std::map<std::string, int> order;
  int position = 0;
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots) order[shot.id] = position++;
  auto jobs = queue.list(JobState::Queued);
  std::stable_sort(jobs.begin(), jobs.end(), [&](const Job& a, const Job& b) {
    const int pa = order.count(a.shot_id) ? order[a.shot_id] : position;
    const int pb = order.count(b.shot_id) ? order[b.shot_id] : position;
    return pa != pb ? pa < pb : a.take_index < b.take_index;
  });
  std::vector<std::string> ids;
  for (const auto& job : jobs) ids.push_back(job.id);
  return ids;
}

NewJob job_for(const film::Film& film, const film::Shot& shot, int take_index, std::uint64_t seed,
               const Backend& backend) {
  NewJob job;
  job.shot_id = shot.id;
  job.take_index = take_index;
  job.backend = backend.name();
  job.params_json = backend.params(film.render, shot_frames(film, shot)).to_json();
  job.seed = seed;
  const auto prompt = prompt::assemble_prompt(film, shot, backend.caps());
  job.prompt_hash = prompt::generation_hash(prompt, job.backend, job.params_json, seed);
  return job;
}

int shot_frames(const film::Film& film, const film::Shot& shot) {
  const double frames = shot.duration.value_or(film.info.default_shot_duration) * film.info.fps;
  // Clamped as a double first: lround of a huge duration is undefined.
  if (!(frames < kMaxShotFrames)) return kMaxShotFrames;
  return std::max(1, static_cast<int>(std::lround(frames)));
}

std::uint64_t take_seed(const film::Film& film, const film::Shot& shot, int take_index,
                        const std::optional<std::uint64_t>& override_seed) {
  // Kept to 63 bits: a take's seed fits TOML's signed 64-bit integers, so it can be pasted back
  // into film.toml (seeds below 2^63 are unchanged).
  constexpr std::uint64_t kSeedMask = 0x7FFF'FFFF'FFFF'FFFFull;
  const auto take = static_cast<std::uint64_t>(take_index);
  if (override_seed) return (*override_seed + take) & kSeedMask;
  if (shot.seed) return (*shot.seed + take) & kSeedMask;
  if (film.info.seed_policy == film::SeedPolicy::Fixed) return (film.info.base_seed + take) & kSeedMask;
  return (sha256_u64(std::to_string(film.info.base_seed) + "/" + shot.id) + take) & kSeedMask;
}

}  // namespace shotgen::render
