#pragma once
// The render pipeline: plan jobs for the selected shots, claim them in batches, generate, encode
// and record takes, crash-safely.
//
// render_shots() in order:
//   1. load film.toml, refuse it if lint finds errors (nothing written), read the selection's
//      reference images (reference_images.h), sync the film into the database (the film the jobs
//      are planned from)
//   2. take the workspace's RenderLock (one render per workspace at a time)
//   3. recover: requeue dead workers' running jobs, delete dead writers' temporary files, complete
//      the commits a killed render left (take files renamed into place, not yet recorded: recorded
//      from their tags), and list take files the database does not know (kept; take_files.h)
//   4. verify the takes of the selected shots (probe_video): a missing or damaged take file marks
//      the take failed (fault recorded, paths cleared) and queues its job again
//   5. plan: per shot × take, route → backend → parameters → assembled prompt → generation hash
//      → job identity; enqueue (finished jobs are found, not redone)
//   6. run: claim batches (same backend and parameters, at most max_batch jobs: one model forward
//      per step), generate, analyse each clip once (the analysis the re-route check uses is
//      recorded with the take), hand it to the encoder thread, which numbers the take (above every
//      number of the shot in the database and on disk), finishes it (the shot's [finish],
//      src/finish/), writes the take MP4 (take_tags.h, the finishing record among them), poster
//      (A1111 `parameters` text) and source frames under temporary names, renames them into place
//      and then, in ONE transaction, marks the job done and records the take. Finishing and
//      encoding of batch k overlap generation of batch k+1.
//
// Seeds: --seed S → S + take; a shot's `seed` → seed + take; per_shot → sha256_u64(
// "<base_seed>/<shot id>") + take; fixed → base_seed + take (take is 0-based); each kept to its
// low 63 bits, so that every seed is a valid TOML integer.
// Frames: round(duration × fps), at least 1 and at most kMaxShotFrames.
//
// Faults: a reference image that cannot be read (reference_images.h) → shotgen::Error before the
// database changes; a backend that throws → the attempt fails and the job is retried up to
// max_attempts, then failed; a clip without a picture (blank_frames.h) → the job fails at once
// with kind BlankFrames; out of memory → the batch is halved (the rest requeued without counting an
// attempt) and the cap stays halved for the run, failing only at batch size 1; an output folder
// that cannot be created or a take that cannot be written (disk full) → the job fails at once with
// the reason (retrying in the same run cannot help; `shotgen render` again retries it); the
// cancel token (Ctrl-C) → the generating batch's jobs end `cancelled` ("interrupted"), clips
// already generated are still encoded and recorded, queued jobs stay queued; rerunning the
// command finishes the work.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "db/database.h"
#include "engine/engine.h"
#include "film/film.h"
#include "finish/finisher.h"
#include "render/backend.h"
#include "render/job_queue.h"
#include "render/progress.h"
#include "render/router.h"

namespace shotgen::render {

inline constexpr int kMaxShotFrames = 240;

struct RenderRequest {
  std::vector<std::string> shots;     // shot ids
  std::optional<std::string> scene;   // every shot of this scene
  bool all = false;                   // every shot
  // None of the three: run the jobs already queued (e.g. after `shotgen retry`).
  std::optional<int> takes;           // takes per shot (default: each shot's `takes`)
  // Best of N (instead of `takes`): takes of each shot are rendered one after another until one
  // looks as its prompt asks (render/look_match.h: every look it names measured), at most N; the
  // film then uses the best (take_store.h: chosen_take).
  std::optional<int> best_of;
  std::optional<std::uint64_t> seed;  // base seed for every shot (seed + take)
  std::optional<std::string> backend; // use only this backend
  RenderMode mode = RenderMode::Final;
  int max_batch = 4;                  // jobs per model forward
  bool plan_only = false;             // stop after step 5: jobs queued, nothing rendered (farm submit)
};

struct RenderOptions {
  std::int64_t lease_ms = 60'000;     // a running job's lease; renewed every lease_ms / 6
  std::string x264_preset = "veryfast";
  int crf = 18;
  finish::FinishDevice finish_device = finish::FinishDevice::Auto;  // where [finish] runs
  std::function<void(const std::string&)> note;  // one-line notes (no Vulkan device: the CPU finishes)
};

struct JobFailure {
  std::string text;  // "shot take N: reason"
  ErrorKind kind = ErrorKind::General;
};

struct RenderSummary {
  int planned = 0;          // jobs of the request
  int already_done = 0;     // finished before this run
  int rendered = 0;         // takes recorded done by this run
  int rerouted = 0;         // takes recorded rejected, job re-queued on the next backend
  int failed = 0;
  int cancelled = 0;
  int batches = 0;
  int recovered_jobs = 0;   // dead workers' jobs requeued at start
  int removed_files = 0;    // temporary files of dead writers deleted at start
  int adopted_takes = 0;    // takes of a killed render's interrupted commits, recorded from their files
  std::vector<std::string> unknown_files;  // take files the database does not know: kept, not deleted
  int bad_takes = 0;        // damaged/missing take files found at start
  double wall_seconds = 0;
  double model_seconds = 0;   // inside backend.render()
  double finish_seconds = 0;  // finishing passes (on the encoder thread)
  double encode_seconds = 0;  // writing MP4s and posters (on the encoder thread)
  bool interrupted = false;
  std::vector<JobFailure> failures;
  bool ok() const { return failed == 0 && cancelled == 0 && !interrupted; }
};

// The whole pipeline above on the workspace at `workspace_root`. `progress` may be null; `cancel`
// may be null (not cancellable).
RenderSummary render_shots(const std::filesystem::path& workspace_root, const RenderRequest& request,
                           BackendRegistry& registry, ProgressSink* progress, engine::CancelToken* cancel,
                           const RenderOptions& options = {});

// Steps 1 and 5 alone: the jobs `request` asks for are in the queue when it returns, exactly as
// render_shots() would plan them, and nothing is rendered (a server enqueues at once and renders
// in its worker later; render_shots() with the same request then finds these jobs). Takes no
// RenderLock: planning writes only job rows, in one transaction. No selection: the queued jobs.
struct EnqueuedRender {
  std::vector<std::string> job_ids;  // jobs to run (queued), story order
  int already_done = 0;              // jobs of the request finished before
};
EnqueuedRender enqueue_render(const std::filesystem::path& workspace_root, const RenderRequest& request,
                              const BackendRegistry& registry);

}  // namespace shotgen::render
