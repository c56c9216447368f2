// The encoder thread: a generated clip becomes take files and, in one transaction, a done job and
// its take record; a take that cannot be written or recorded fails its job and leaves no file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "finish/finish_plan.h"
#include "render/job_planner.h"
#include "render/job_queue.h"
#include "render/render_runner.h"
#include "render/take_files.h"
#include "render/take_writer.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

struct WriterHarness {
  TempDir dir;
  fs::path root = make_workspace(dir.path() / "ws");
  film::Film film = film::load_film_file(root / "film.toml");
  db::Database db = db::open_project_database(root / "shotgen.db");
  JobQueue queue{db};
  FakeBackend final_backend{"final"};
  FakeBackend turbo_backend{"turbo", {40, 40, 200}, true};
  LeaseOwner me = LeaseOwner::this_process();
  RecordingSink sink;
  RenderSummary summary;
  RunState state{&sink, summary};
  RenderOptions options;
  finish::Finisher finisher = finish::Finisher::open(finish::FinishDevice::Cpu, {});

  WriterHarness() { db::ProjectStore(db).sync(film); }

  TakeWriter writer() { return {root, root / "shotgen.db", film, me, options, state, finisher}; }

  // Take 1 of `shot_id` as the generating thread hands it over: job claimed, folder made, clip
  // generated.
  EncodeTask task(const std::string& shot_id) {
    const film::Shot& shot = *film.find_shot(shot_id);
    const NewJob job = job_for(film, shot, 0, take_seed(film, shot, 0, std::nullopt), final_backend);
    queue.enqueue(job);
    EncodeTask t;
    TakeContext& c = t.context;
    c.job = queue.claim_batch({job.id()}, me, 1, 60'000).at(0);
    c.spec.job_id = c.job.id;
    c.spec.shot_id = shot_id;
    c.spec.positive = "a lamplighter walks along the harbor";
    c.spec.negative = "blurry";
    c.spec.seed = c.job.seed;
    c.spec.params = RenderParams::from_json(c.job.params_json);
    c.style_revision_id = db::ProjectStore(db).current_style_revision().id;
    c.negative_revision_id = db::ProjectStore(db).current_negative_revision().id;
    c.finish_plan = finish::FinishPlanner(film, root).plan(shot);
    c.created_at = db::now_timestamp();
    fs::create_directories(root / "renders" / shot_dir_name(shot_id));
    t.clip = solid_clip(c.spec, 200, 40, 40);
    return t;
  }
  // The files take 1 of the task's job gets.
  TakePaths paths(const EncodeTask& t) const { return take_paths(t.context.job.shot_id, 1, t.context.job.id); }
  // The files in the shot's folder, by name.
  std::vector<std::string> folder(const std::string& shot_id) const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root / "renders" / shot_dir_name(shot_id)))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST(TakeWriter, WritesTheTakeFilesThenRecordsTheTakeAndTheDoneJob) {
  WriterHarness h;
  h.state.set_total(1, 0);
  auto task = h.task("s1_01");
  const auto id = task.context.job.id;
  const auto paths = h.paths(task);
  {
    auto writer = h.writer();
    writer.submit(std::move(task));
    writer.wait_idle();
  }
  EXPECT_EQ(h.queue.find(id)->state, JobState::Done);
  const auto takes = db::ProjectStore(h.db).takes("s1_01");
  ASSERT_EQ(takes.size(), 1u);
  EXPECT_EQ(takes[0].status, db::TakeStatus::Done);
  EXPECT_EQ(takes[0].take_number, 1);
  EXPECT_EQ(takes[0].job_id, id);
  EXPECT_EQ(takes[0].mp4_path, paths.mp4);
  EXPECT_EQ(takes[0].source_path, paths.source);
  EXPECT_FALSE(takes[0].finish_json.empty());
  const auto timings = nlohmann::json::parse(takes[0].timings_json);
  EXPECT_TRUE(timings.contains("encode_s") && timings.contains("finish_s")) << takes[0].timings_json;
  for (const auto& file : {paths.mp4, paths.poster, paths.source}) EXPECT_TRUE(fs::is_regular_file(h.root / file));
  EXPECT_EQ(h.folder("s1_01").size(), 3u);  // no temporary file left
  EXPECT_EQ(h.summary.rendered, 1);
  EXPECT_EQ(h.sink.kinds(), (std::vector<ProgressKind>{ProgressKind::Writing, ProgressKind::Done}));
  EXPECT_EQ(h.sink.events.back().message, paths.mp4);
  EXPECT_EQ(h.sink.events.back().jobs_finished, 1);
}

TEST(TakeWriter, StopWritesTheTasksStillWaiting) {
  WriterHarness h;
  {
    auto writer = h.writer();
    for (const auto* shot : {"s1_01", "s1_02", "s2_01"}) writer.submit(h.task(shot));
    writer.stop();
  }
  EXPECT_EQ(h.summary.rendered, 3);
  EXPECT_EQ(db::ProjectStore(h.db).takes().size(), 3u);
  EXPECT_TRUE(h.queue.list(JobState::Running).empty());
}

TEST(TakeWriter, ATakeThatCannotBeWrittenFailsItsJobAndLeavesNoFile) {
  WriterHarness h;
  auto task = h.task("s1_01");
  const auto id = task.context.job.id;
  const auto paths = h.paths(task);
  // The poster's temporary name is taken by a folder: the MP4 is written, the poster cannot be.
  const fs::path blocker = temp_path_for(h.root / paths.poster);
  fs::create_directories(blocker);
  write_text(blocker / "keep", "x");
  {
    auto writer = h.writer();
    writer.submit(std::move(task));
    writer.wait_idle();
  }
  const auto job = *h.queue.find(id);
  EXPECT_EQ(job.state, JobState::Failed);  // at once: retrying in this run cannot help
  EXPECT_EQ(job.attempts, 1);
  ASSERT_TRUE(job.error);
  EXPECT_NE(job.error->find("cannot write the take"), std::string::npos) << *job.error;
  EXPECT_TRUE(db::ProjectStore(h.db).takes().empty());
  EXPECT_FALSE(fs::exists(h.root / paths.mp4));
  EXPECT_FALSE(fs::exists(h.root / paths.source));
  EXPECT_EQ(h.folder("s1_01"), std::vector<std::string>{blocker.filename().string()});  // only the blocker
  ASSERT_EQ(h.summary.failed, 1);
  EXPECT_EQ(h.summary.failures.at(0).text.rfind("s1_01 take 1: cannot write the take", 0), 0u)
      << h.summary.failures.at(0).text;
  EXPECT_EQ(h.sink.kinds(), (std::vector<ProgressKind>{ProgressKind::Writing, ProgressKind::Failed}));
  EXPECT_EQ(h.sink.events.back().message, *job.error);
  EXPECT_EQ(h.sink.events.back().jobs_finished, 1);
}

TEST(TakeWriter, RendersBeingAFileFailsTheJobWithTheReason) {
  WriterHarness h;
  auto task = h.task("s1_01");
  const auto id = task.context.job.id;
  fs::remove_all(h.root / "renders");
  write_text(h.root / "renders", "not a folder");  // tests run as root: chmod would not stop us
  {
    auto writer = h.writer();
    writer.submit(std::move(task));
    writer.wait_idle();
  }
  const auto job = *h.queue.find(id);
  EXPECT_EQ(job.state, JobState::Failed);
  ASSERT_TRUE(job.error);
  EXPECT_NE(job.error->find("cannot write the take"), std::string::npos) << *job.error;
  EXPECT_TRUE(db::ProjectStore(h.db).takes().empty());
  EXPECT_TRUE(fs::is_regular_file(h.root / "renders"));
  EXPECT_EQ(h.summary.failed, 1);
}

TEST(TakeWriter, AJobCancelledWhileRenderingHasItsResultDiscarded) {
  WriterHarness h;
  auto task = h.task("s1_01");
  const auto id = task.context.job.id;
  h.queue.cancel(id, "user");
  {
    auto writer = h.writer();
    writer.submit(std::move(task));
    writer.wait_idle();
  }
  EXPECT_EQ(h.queue.find(id)->state, JobState::Cancelled);
  EXPECT_TRUE(db::ProjectStore(h.db).takes().empty());
  EXPECT_TRUE(h.folder("s1_01").empty());
  EXPECT_EQ(h.summary.cancelled, 1);
  EXPECT_EQ(h.summary.rendered, 0);
  EXPECT_EQ(h.sink.kinds(), (std::vector<ProgressKind>{ProgressKind::Writing, ProgressKind::Cancelled}));
}

TEST(TakeWriter, ARejectedTakeIsRecordedWithItsReasonAndQueuesTheNextJob) {
  WriterHarness h;
  auto task = h.task("s1_01");
  const film::Shot& shot = *h.film.find_shot("s1_01");
  const NewJob next = job_for(h.film, shot, 0, task.context.job.seed, h.turbo_backend);
  task.context.next_job = next;
  task.context.reroute_reason = "negative 'blurry' did not bite";
  const auto id = task.context.job.id;
  {
    auto writer = h.writer();
    writer.submit(std::move(task));
    writer.wait_idle();
  }
  EXPECT_EQ(h.queue.find(id)->state, JobState::Done);
  const auto takes = db::ProjectStore(h.db).takes("s1_01");
  ASSERT_EQ(takes.size(), 1u);
  EXPECT_EQ(takes[0].status, db::TakeStatus::Rejected);
  EXPECT_EQ(takes[0].reroute_reason, "negative 'blurry' did not bite");
  ASSERT_TRUE(h.queue.find(next.id()));
  EXPECT_EQ(h.queue.find(next.id())->state, JobState::Queued);
  EXPECT_EQ(h.summary.rerouted, 1);
  EXPECT_EQ(h.summary.rendered, 0);
  EXPECT_EQ(h.sink.kinds(), (std::vector<ProgressKind>{ProgressKind::Writing, ProgressKind::Rerouted}));
  EXPECT_EQ(h.sink.events.back().message, "negative 'blurry' did not bite; next: turbo");
  EXPECT_EQ(h.sink.events.back().jobs_finished, 0);  // the shot's take is not finished yet
}

}  // namespace
}  // namespace shotgen::render
