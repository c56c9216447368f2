#pragma once
// The render's encoder thread (render_runner.h, step 6): generated clips are finished, encoded and
// recorded here while the generating thread runs the next batch, so finishing and encoding of
// batch k overlap generation of batch k+1.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/image.h"
#include "db/database.h"
#include "db/project_store.h"
#include "film/film.h"
#include "finish/finish_plan.h"
#include "finish/finisher.h"
#include "render/backend.h"
#include "render/job_queue.h"
#include "render/render_runner.h"
#include "render/run_state.h"
#include "render/take_files.h"

namespace shotgen::render {

// Everything a take record needs besides the clip.
struct TakeContext {
  Job job;
  JobSpec spec;
  std::vector<std::string> negative_terms;
  std::int64_t style_revision_id = 0;
  std::int64_t negative_revision_id = 0;
  std::string created_at;
  double queue_wait_seconds = 0;
  double batch_model_seconds = 0;
  int batch_size = 1;
  std::optional<std::string> reroute_reason;
  std::optional<NewJob> next_job;  // set: the take is rejected and the shot goes to this job
  // Set (best of N, RenderRequest::best_of): the take is kept, but its look missed, so the shot's
  // next take is queued with it.
  std::optional<NewJob> another_take;
  finish::FinishPlan finish_plan;  // the shot's [finish]
  std::string analysis_json = "{}";  // analyze::to_json of the generated frames
  // What the finishing draws where the model missed (the reframe's move, the style texture's
  // style, the palette match's palette), decided on the prompt and that analysis
  // (finish_plan.decisions_for).
  finish::FinishDecisions finishing;
};

// A generated clip on its way to becoming a take.
struct EncodeTask {
  TakeContext context;
  Clip clip;
};

// The encoder thread: writes take files, then records the take in one transaction. Per task it
// numbers the take (next_take_number), finishes the clip, writes MP4, poster and source frames
// (each under a temporary name, then renamed) and marks the job done with the take record
// (record_finished_take). A take that cannot be written or recorded fails its job at once, with no
// file left behind; a job cancelled meanwhile has its result discarded. Outcomes go to `state`.
// Uses its own connection to `database`.
class TakeWriter {
 public:
  TakeWriter(std::filesystem::path root, const std::filesystem::path& database, const film::Film& film,
             LeaseOwner owner, const RenderOptions& options, RunState& state, finish::Finisher& finisher);
  ~TakeWriter();

  // Blocks while two tasks are already waiting (bounds the clips held in memory).
  void submit(EncodeTask task);

  // Waits until every submitted task is written and recorded.
  void wait_idle();

  // Writes the tasks still waiting, then ends the thread.
  void stop();

 private:
  void loop();
  void remove_outputs(const TakePaths& paths);
  void fail_take(const TakeContext& c, const TakePaths& paths, const std::string& reason,
                 ErrorKind kind = ErrorKind::General);
  db::TakeRecord take_record(const TakeContext& c, int take_number, const TakePaths& paths) const;
  void write(EncodeTask& task);

  std::filesystem::path root_;
  db::Database db_;
  const film::Film& film_;
  LeaseOwner owner_;
  RenderOptions options_;
  RunState& state_;
  finish::Finisher& finisher_;  // used on this writer's thread only
  std::mutex mutex_;
  std::condition_variable work_, space_, idle_;
  std::deque<EncodeTask> pending_;
  int in_flight_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shotgen::render
