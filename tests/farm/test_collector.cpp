// `farm submit` and `farm collect` with fake backends, a scheduler double and result records written
// by the real worker (or by hand, for damaged and lost ones): takes are recorded exactly once, with
// a local render's provenance, and collecting again changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "core/hash.h"
#include "db/audit.h"
#include "db/project_store.h"
#include "farm/cancel.h"
#include "farm/collector.h"
#include "farm/status.h"
#include "farm/task_result.h"
#include "farm_fixture.h"
#include "media/mp4_retag.h"
#include "media/png.h"
#include "media/video_reader.h"
#include "render/generation_parameters.h"
#include "render/take_files.h"
#include "render/take_tags.h"

namespace shotgen::farm {
namespace {

using namespace testing;
using shotgen::testing::run_program;

// Everything collect could change: the database's content and every file (path → SHA-256) of the
// workspace and the shared folder.
std::string snapshot(const FarmHarness& h) {
  const auto dump = run_program("sqlite3", {(h.root / "shotgen.db").string(), ".dump"});
  std::string out = dump.out;
  std::map<std::string, std::string> files;
  for (const fs::path& top : {h.root, h.state().shared_dir})
    for (const auto& entry : fs::recursive_directory_iterator(top)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || name.starts_with("shotgen.db")) continue;
      files[entry.path().string()] = sha256_hex(read_file(entry.path()));
    }
  for (const auto& [path, sha] : files) out += path + " " + sha + "\n";
  return out;
}

std::string integrity(const FarmHarness& h) {
  auto db = h.database();
  auto check = db.prepare("PRAGMA integrity_check");
  check.step();
  return check.text(0);
}

render::Job job_of_entry(const FarmHarness& h, const ManifestEntry& entry) {
  auto db = h.database();
  return *render::JobQueue(db).find(entry.id);
}

TEST(FarmSubmit, WritesAManifestAScriptAndOneArrayPerChunk) {
  FarmHarness h;
  auto options = h.options();
  options.partition = "gpu";
  options.gpus_per_task = 1;
  options.max_parallel = 2;
  options.sbatch_args = {"--time=00:10:00"};
  options.max_array_size = 2;
  const auto report = submit_to_farm(h.root, options, h.registry, h.scheduler);
  EXPECT_EQ(report.queued, 3);
  EXPECT_EQ(report.submitted(), 3);
  ASSERT_EQ(h.scheduler.submitted.size(), 2u);  // 2 + 1 jobs
  const auto& args = h.scheduler.submitted[0];
  for (const char* expected : {"--array=0-1%2", "--partition=gpu", "--gpus-per-task=1", "--time=00:10:00"})
    EXPECT_NE(std::find(args.begin(), args.end(), expected), args.end()) << expected;
  EXPECT_EQ(h.scheduler.submitted[1].front(), "--array=0-0%2");
  const auto state = h.state();
  ASSERT_EQ(state.submissions.size(), 2u);
  EXPECT_EQ(state.submissions[0].slurm_job_id, "100");
  EXPECT_EQ(state.submissions[1].slurm_job_id, "101");
  EXPECT_EQ(args.back(), h.folder().batch_script(state.submissions[0].manifest_id).string());
  const std::string script = read_file(args.back());
  EXPECT_NE(script.find("exec '/opt/shotgen/bin/shotgen' farm work '" +
                        h.folder().manifest(state.submissions[0].manifest_id).string() + "'"),
            std::string::npos)
      << script;
  // Story order, every prompt with its style block, the database's jobs.
  const Manifest first = h.manifest(0);
  ASSERT_EQ(first.jobs.size(), 2u);
  EXPECT_EQ(first.jobs[0].shot_id, "s1_01");
  EXPECT_EQ(first.jobs[1].shot_id, "s1_02");
  EXPECT_EQ(h.manifest(1).jobs[0].shot_id, "s2_01");
  for (const auto& entry : first.jobs) {
    EXPECT_TRUE(entry.positive.starts_with("Hand-painted 2D animation")) << entry.positive;
    EXPECT_EQ(job_of_entry(h, entry).prompt_hash, entry.prompt_hash);
    ASSERT_TRUE(entry.on_reject);  // final, then turbo on the fallback route
    EXPECT_EQ(entry.on_reject->backend, "turbo");
  }
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'queued'"), 3);
}

TEST(FarmSubmit, SeveralJobsPerTaskMakeFewerTasksInOneArray) {
  FarmHarness h;
  auto options = h.options();
  options.jobs_per_task = 2;
  options.max_parallel = 1;
  const auto report = submit_to_farm(h.root, options, h.registry, h.scheduler);
  EXPECT_EQ(report.submitted(), 3);  // jobs
  ASSERT_EQ(report.arrays.size(), 1u);
  EXPECT_EQ(report.arrays[0].tasks, 2);  // jobs 0-1, then job 2
  ASSERT_EQ(h.scheduler.submitted.size(), 1u);
  EXPECT_EQ(h.scheduler.submitted[0].front(), "--array=0-1%1");
  const auto state = h.state();
  EXPECT_EQ(state.submissions[0].tasks, 2);
  EXPECT_EQ(state.submissions[0].jobs, 3);
  const Manifest manifest = h.manifest(0);
  EXPECT_EQ(manifest.jobs_per_task, 2);
  EXPECT_EQ(manifest.task_count(), 2);

  // A node renders its task's jobs in manifest order, each with its own record; an index past the
  // last task is refused.
  const auto first = h.run_task_jobs(0, 0);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].job_id, manifest.jobs[0].id);
  EXPECT_EQ(first[1].job_id, manifest.jobs[1].id);
  EXPECT_EQ(first[1].run, "100_0");
  const auto second = h.run_task_jobs(0, 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].job_id, manifest.jobs[2].id);
  try {
    h.run_task_jobs(0, 2);
    FAIL() << "index 2 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "index-out-of-range");
  }

  const auto collected = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(collected.collected, 3);
  EXPECT_EQ(h.count("SELECT COUNT(DISTINCT job_id) FROM takes WHERE status = 'done'"), 3);
  EXPECT_TRUE(h.state().submissions[0].finished());
  const auto status = farm_status(h.root, h.scheduler);
  EXPECT_EQ(status.states.at("collected"), 3);
}

TEST(FarmCollect, ATaskKilledAfterItsFirstJobKeepsThatTakeAndOnlyTheRestIsSubmittedAgain) {
  FarmHarness h;
  auto options = h.options();
  options.jobs_per_task = 2;
  submit_to_farm(h.root, options, h.registry, h.scheduler);
  // Task 0 is killed while rendering its second job: that job's record never got written.
  const auto jobs = h.run_task_jobs(0, 0, "CANCELLED");
  ASSERT_EQ(jobs.size(), 2u);
  fs::remove(h.folder().result(jobs[1].job_id, jobs[1].run));
  fs::remove(h.folder().file(jobs[1].mp4));
  fs::remove(h.folder().file(jobs[1].poster));
  h.run_task_jobs(0, 1);

  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.collected, 2);
  EXPECT_EQ(report.failed, 1);
  const auto lost = read_task_result(h.folder(), jobs[1].job_id, "100_0");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->outcome, TaskOutcome::Lost);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 2);
  EXPECT_TRUE(h.state().submissions[0].finished());

  const auto again = submit_to_farm(h.root, options, h.registry, h.scheduler);
  ASSERT_EQ(again.submitted(), 1);
  EXPECT_EQ(h.manifest(1).jobs[0].id, jobs[1].job_id);
  h.run_task_jobs(1, 0);
  EXPECT_EQ(collect_from_farm(h.root, h.scheduler).collected, 1);
  EXPECT_EQ(h.count("SELECT COUNT(DISTINCT job_id) FROM takes WHERE status = 'done'"), 3);
  EXPECT_EQ(integrity(h), "ok");
  const std::string before = snapshot(h);
  collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(snapshot(h), before);
}

TEST(FarmSubmit, DryRunSubmitsNothing) {
  FarmHarness h;
  auto options = h.options();
  options.dry_run = true;
  const auto report = submit_to_farm(h.root, options, h.registry, h.scheduler);
  ASSERT_EQ(report.arrays.size(), 1u);
  EXPECT_TRUE(report.arrays[0].slurm_job_id.empty());
  EXPECT_TRUE(fs::exists(report.arrays[0].manifest));
  EXPECT_TRUE(h.scheduler.submitted.empty());
  EXPECT_TRUE(h.state().submissions.empty());
}

TEST(FarmSubmit, AFolderOfAnotherWorkspaceIsRefused) {
  FarmHarness a, b;
  auto options = a.options();
  options.shared_dir = a.dir.path() / "shared";
  submit_to_farm(a.root, options, a.registry, a.scheduler);
  try {
    submit_to_farm(b.root, options, b.registry, b.scheduler);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "shared-folder-taken") << e.what();
    EXPECT_FALSE(e.problem().fix.empty());
  }
  EXPECT_TRUE(b.scheduler.submitted.empty());
}

TEST(FarmSubmit, StaleJobsAreLeftQueued) {
  FarmHarness h;
  auto plan = h.options().plan;
  plan.plan_only = true;
  render::render_shots(h.root, plan, h.registry, nullptr, nullptr);
  auto toml = read_file(h.root / "film.toml");
  toml.replace(toml.find("brushstroke texture"), 19, "ink wash texture");
  write_file_atomic(h.root / "film.toml", toml);
  const auto report = h.submit(/*all=*/false);  // the queue as it is
  EXPECT_EQ(report.queued, 3);
  EXPECT_EQ(report.stale, 3);
  EXPECT_EQ(report.submitted(), 0);
  EXPECT_TRUE(h.scheduler.submitted.empty());
}

TEST(FarmCollect, EveryTakeOnceWithALocalRendersProvenanceAndAgainChangesNothing) {
  FarmHarness h;
  ASSERT_EQ(h.submit().submitted(), 3);
  h.run_all(0);
  const Manifest manifest = h.manifest(0);
  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.collected, 3);
  EXPECT_EQ(report.failed, 0);
  EXPECT_EQ(report.waiting, 0);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done'"), 3);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 3);
  EXPECT_EQ(integrity(h), "ok");
  {
    auto db = h.database();
    db::ProjectStore store(db);
    EXPECT_TRUE(db::audit(store).clean());
    for (const auto& entry : manifest.jobs) {
      const auto takes = store.takes(entry.shot_id);
      ASSERT_EQ(takes.size(), 1u);
      const auto& take = takes[0];
      EXPECT_EQ(take.job_id, entry.id);
      EXPECT_EQ(take.positive, entry.positive);
      EXPECT_EQ(take.negative, entry.negative);
      EXPECT_EQ(take.style_revision_id, store.current_style_revision().id);
      EXPECT_EQ(take.negative_revision_id, store.current_negative_revision().id);
      // Numbered as a local render numbers them, the file named after the number.
      EXPECT_EQ(take.take_number, 1);
      EXPECT_EQ(take.mp4_path, render::take_paths(entry.shot_id, 1, entry.id).mp4);
      const auto record =
          read_task_result(h.folder(), entry.id, run_name("100", static_cast<int>(&entry - &manifest.jobs[0])));
      ASSERT_TRUE(record);
      EXPECT_EQ(take.created_at, record->started_at);  // when the render started, as locally
      EXPECT_EQ(take.analysis_json, record->analysis.dump());
      EXPECT_NE(take.analysis_json, "{}");
      const auto probe = media::probe_video(h.root / take.mp4_path);
      EXPECT_EQ(probe.frames, 4);
      // The MP4 carries the final record (take number included): `shotgen adopt` could rebuild it.
      const auto tagged = render::take_from_tags(probe.metadata);
      ASSERT_TRUE(tagged) << tagged.problem().message();
      EXPECT_EQ(tagged.value().take.take_number, 1);
      EXPECT_EQ(tagged.value().take.job_id, entry.id);
      EXPECT_EQ(tagged.value().take.positive, entry.positive);
      EXPECT_EQ(tagged.value().take.timings_json, take.timings_json);
      ASSERT_TRUE(fs::exists(h.root / take.poster_path));
      const auto text = media::read_png_text(h.root / take.poster_path);
      ASSERT_EQ(text.size(), 1u);
      EXPECT_EQ(text[0].keyword, "parameters");
      EXPECT_EQ(text[0].text, render::a1111_parameters(take));
      const auto timings = nlohmann::json::parse(take.timings_json);
      for (const char* key : {"queue_wait_s", "model_s", "encode_s", "batch_size"})
        EXPECT_TRUE(timings.contains(key)) << key;
      EXPECT_EQ(timings["farm"]["host"], "node7");
    }
  }
  EXPECT_TRUE(h.state().submissions[0].finished());
  const std::string before = snapshot(h);
  const auto again = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(again.collected, 0);
  EXPECT_EQ(again.failed, 0);
  EXPECT_EQ(snapshot(h), before);
  EXPECT_EQ(h.submit().submitted(), 0);  // nothing is missing
}

TEST(FarmCollect, TakeNumbersContinueAboveTheShotsLocalTakesAndFiles) {
  FarmHarness h;
  render::RenderRequest local;
  local.shots = {"s1_01"};
  ASSERT_EQ(render::render_shots(h.root, local, h.registry, nullptr, nullptr).rendered, 1);  // take 1, locally
  // A file of take 5 the database does not know (another database's take): never overwritten.
  const fs::path foreign = h.root / "renders" / render::shot_dir_name("s1_01") / "take_5_0123456789.mp4";
  write_file_atomic(foreign, "someone else's take");
  auto options = h.options(/*all=*/false);
  options.plan.shots = {"s1_01"};
  options.plan.takes = 2;
  ASSERT_EQ(submit_to_farm(h.root, options, h.registry, h.scheduler).submitted(), 1);  // only take 2 is missing
  h.run_all(0);
  EXPECT_EQ(collect_from_farm(h.root, h.scheduler).collected, 1);
  auto db = h.database();
  const auto takes = db::ProjectStore(db).takes("s1_01");
  ASSERT_EQ(takes.size(), 2u);
  std::vector<int> numbers;
  for (const auto& take : takes) numbers.push_back(take.take_number);
  std::sort(numbers.begin(), numbers.end());
  EXPECT_EQ(numbers, (std::vector<int>{1, 6}));
  EXPECT_EQ(read_file(foreign), "someone else's take");
}

TEST(FarmCollect, ACollectKilledBeforeItsCommitIsCompletedOnceFromTheFilesTags) {
  FarmHarness h;
  h.submit();
  h.run_all(0);
  // What a collect killed between renaming take 1 of jobs[0] into place and its commit leaves:
  // the take file with its final tags, and the job still queued.
  const Manifest manifest = h.manifest(0);
  const auto& entry = manifest.jobs[0];
  const auto record = read_task_result(h.folder(), entry.id, "100_0");
  ASSERT_TRUE(record);
  db::TakeRecord take = provisional_take(entry, *record);
  take.take_number = 1;
  const auto paths = render::take_paths(entry.shot_id, 1, entry.id);
  fs::create_directories((h.root / paths.mp4).parent_path());
  media::copy_mp4_with_tags(h.folder().file(record->mp4), h.root / paths.mp4, render::take_tags(take, manifest.film.title));
  // (the database must exist, as it did for the killed collect)
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'queued'"), 3);

  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.adopted, 1);
  EXPECT_EQ(report.collected, 2);
  EXPECT_EQ(report.skipped, 1);  // its result: the job is done already
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 3);
  EXPECT_EQ(h.count("SELECT COUNT(DISTINCT job_id) FROM takes"), 3);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 3);
  auto db = h.database();
  const auto takes = db::ProjectStore(db).takes(entry.shot_id);
  ASSERT_EQ(takes.size(), 1u);
  EXPECT_EQ(takes[0].mp4_path, paths.mp4);
  EXPECT_TRUE(render::unknown_take_files(h.root, db).empty());
  EXPECT_EQ(integrity(h), "ok");
}

TEST(FarmCollect, TakesMatchALocalRenderOfTheSameFilm) {
  FarmHarness farm;
  farm.submit();
  farm.run_all(0);
  collect_from_farm(farm.root, farm.scheduler);
  FarmHarness local;
  const auto request = local.options().plan;
  render::render_shots(local.root, request, local.registry, nullptr, nullptr);
  auto farm_db = farm.database();
  auto local_db = local.database();
  const auto farm_takes = db::ProjectStore(farm_db).takes();
  const auto local_takes = db::ProjectStore(local_db).takes();
  ASSERT_EQ(farm_takes.size(), local_takes.size());
  for (std::size_t i = 0; i < farm_takes.size(); ++i) {
    std::size_t j = 0;
    while (j < local_takes.size() && local_takes[j].job_id != farm_takes[i].job_id) ++j;
    ASSERT_LT(j, local_takes.size()) << "no local take of job " << *farm_takes[i].job_id;
    const auto &f = farm_takes[i], &l = local_takes[j];
    EXPECT_EQ(f.positive, l.positive);
    EXPECT_EQ(f.negative, l.negative);
    EXPECT_EQ(f.seed, l.seed);
    EXPECT_EQ(f.backend, l.backend);
    EXPECT_EQ(f.model, l.model);
    EXPECT_EQ(f.params_json, l.params_json);
    EXPECT_EQ(f.prompt_hash, l.prompt_hash);
    EXPECT_EQ(f.mp4_path, l.mp4_path);
    EXPECT_EQ(f.status, l.status);
  }
}

TEST(FarmCollect, AKilledTaskLeavesNoPartialTakeAndOnlyItIsSubmittedAgain) {
  FarmHarness h;
  h.submit();
  h.run_task(0, 0);
  h.run_task(0, 2);
  // Task 1 is killed after its MP4 was renamed into place, before its record: a node failure.
  const TaskResult killed = h.run_task(0, 1, "CANCELLED");
  fs::remove(h.folder().result(killed.job_id, killed.run));
  write_file_atomic(h.folder().root() / "logs" / "100_1.out", "slurmstepd: error: *** JOB 100 CANCELLED ***\n");

  const auto resubmitted = h.submit();
  EXPECT_EQ(resubmitted.on_farm, 2);  // tasks 0 and 2 wait for collect
  ASSERT_EQ(resubmitted.submitted(), 1);
  ASSERT_EQ(h.manifest(1).jobs.size(), 1u);
  EXPECT_EQ(h.manifest(1).jobs[0].id, killed.job_id);
  h.scheduler.set("101", 0, "PENDING");

  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.collected, 2);
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(report.waiting, 1);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 2);
  const auto lost = read_task_result(h.folder(), killed.job_id, "100_1");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->outcome, TaskOutcome::Lost);
  EXPECT_NE(lost->reason.find("CANCELLED"), std::string::npos) << lost->reason;
  EXPECT_NE(lost->reason.find("*** JOB 100 CANCELLED ***"), std::string::npos) << lost->reason;
  const auto job = job_of_entry(h, h.manifest(1).jobs[0]);
  EXPECT_EQ(job.state, render::JobState::Queued);
  EXPECT_EQ(job.attempts, 1);
  ASSERT_TRUE(job.error);
  EXPECT_NE(job.error->find("farm task 100_1"), std::string::npos) << *job.error;

  h.run_task(1, 0);
  EXPECT_EQ(collect_from_farm(h.root, h.scheduler).collected, 1);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done'"), 3);
  EXPECT_EQ(h.count("SELECT COUNT(DISTINCT job_id) FROM takes"), 3);
  EXPECT_EQ(integrity(h), "ok");
  const std::string before = snapshot(h);
  collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(snapshot(h), before);

  // The status keeps the lost task's reason.
  const auto status = farm_status(h.root, h.scheduler);
  EXPECT_EQ(status.states.at("collected"), 3);
  EXPECT_EQ(status.states.at("lost"), 1);
}

TEST(FarmCollect, ADamagedTakeIsNotCollected) {
  FarmHarness h;
  h.submit();
  const TaskResult result = h.run_task(0, 0);
  write_file_atomic(h.folder().file(result.mp4), "not a video");
  h.scheduler.set("100", 1, "PENDING");  // the others have not run yet
  h.scheduler.set("100", 2, "RUNNING");
  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.collected, 0);
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(report.waiting, 2);
  ASSERT_FALSE(report.notes.empty());
  EXPECT_NE(report.notes[0].find("does not match its SHA-256"), std::string::npos) << report.notes[0];
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 0);
  const auto& entry = h.manifest(0).jobs[0];
  EXPECT_FALSE(fs::exists(h.root / render::take_paths(entry.shot_id, 1, entry.id).mp4));
  EXPECT_TRUE(render::unknown_take_files(h.root, h.database()).empty());
}

TEST(FarmCollect, ANodesFailureReasonIsKeptOnTheJob) {
  FarmHarness h;
  h.submit();
  h.final_backend->fault = FakeBackend::Fault::Throw;
  h.run_task(0, 0);
  h.final_backend->fault = FakeBackend::Fault::None;
  h.scheduler.set("100", 1, "RUNNING");
  h.scheduler.set("100", 2, "PENDING");
  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(report.waiting, 2);
  const auto job = job_of_entry(h, h.manifest(0).jobs[0]);
  EXPECT_EQ(job.state, render::JobState::Queued);  // retryable: attempts remain
  EXPECT_NE(job.error.value_or("").find("fake backend exploded"), std::string::npos);
  // Submitting again sends the failed job only: the others are still running.
  const auto again = h.submit();
  EXPECT_EQ(again.submitted(), 1);
  EXPECT_EQ(again.on_farm, 2);
}

TEST(FarmCollect, ActiveAndFinishingTasksAreLeftAlone) {
  FarmHarness h;
  h.submit();
  h.scheduler.set("100", 0, "RUNNING");
  h.scheduler.set("100", 1, "PENDING");
  h.scheduler.set("100", 2, "COMPLETED");  // record not visible yet (network filesystem)
  const std::string before = snapshot(h);
  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.waiting, 3);
  EXPECT_EQ(snapshot(h), before);
  EXPECT_EQ(h.submit().submitted(), 0);
}

TEST(FarmCollect, WithoutTheSchedulerFinishedTakesComeHomeAndNothingIsJudgedLost) {
  FarmHarness h;
  h.submit();
  h.run_task(0, 0);
  h.scheduler.unreachable = true;
  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.collected, 1);
  EXPECT_EQ(report.unknown, 2);
  EXPECT_TRUE(report.scheduler_problem);
  EXPECT_FALSE(read_task_result(h.folder(), h.manifest(0).jobs[1].id, "100_1"));
  try {
    h.submit();  // it cannot tell what is still running: it refuses rather than submit twice
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "slurm-failed");
  }
}

TEST(FarmCollect, AnEditedManifestIsRefusedAndNothingChanges) {
  FarmHarness h;
  h.submit();
  h.run_all(0);
  const auto path = h.folder().manifest(h.state().submissions[0].manifest_id);
  auto json = nlohmann::json::parse(read_file(path));
  json["jobs"][2]["negative"] = "";
  write_file_atomic(path, json.dump(2));
  const std::string before = snapshot(h);
  try {
    collect_from_farm(h.root, h.scheduler);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "manifest-tampered") << e.what();
    EXPECT_EQ(e.kind(), ErrorKind::Corrupt);
  }
  EXPECT_EQ(snapshot(h), before);
}

TEST(FarmCollect, AManifestOfAnotherWorkspaceIsRefused) {
  FarmHarness mine, theirs;
  mine.submit();
  theirs.submit();
  theirs.run_all(0);
  // Their manifest and records copied into my shared folder and named in my farm record.
  const auto their_id = theirs.state().submissions[0].manifest_id;
  fs::copy_file(theirs.folder().manifest(their_id), mine.folder().manifest(their_id));
  for (const auto& entry : fs::directory_iterator(theirs.folder().results_dir()))
    fs::copy_file(entry.path(), mine.folder().results_dir() / entry.path().filename());
  auto state = mine.state();
  state.submissions[0].manifest_id = their_id;
  save_farm_state(mine.root, state);
  const std::string before = snapshot(mine);
  try {
    collect_from_farm(mine.root, mine.scheduler);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "manifest-other-workspace") << e.what();
  }
  EXPECT_EQ(snapshot(mine), before);
}

TEST(FarmCollect, CancelledArraysTasksAreNotFailures) {
  FarmHarness h;
  h.submit();
  h.run_task(0, 0);
  EXPECT_EQ(cancel_farm_runs(h.root, h.scheduler), std::vector<std::string>{"100"});
  ASSERT_EQ(h.scheduler.cancelled.size(), 1u);
  EXPECT_TRUE(h.state().submissions[0].cancelled);
  h.scheduler.set("100", 1, "CANCELLED");
  h.scheduler.set("100", 2, "CANCELLED");
  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.collected, 1);  // what finished before the cancel still counts
  EXPECT_EQ(report.failed, 0);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND attempts = 0"), 2);
  EXPECT_TRUE(cancel_farm_runs(h.root, h.scheduler).empty());  // nothing open any more
  EXPECT_EQ(h.submit().submitted(), 2);
}

TEST(FarmCollect, ANegativeThatDidNotBiteIsReRoutedAsLocally) {
  FilmSpec spec;
  spec.shots = {{"g"}};
  spec.shots[0].negative = {"green tones"};
  FarmHarness h(spec);
  h.registry.add(std::make_shared<FakeBackend>("final", std::array<std::uint8_t, 3>{30, 200, 40}));
  h.submit();
  h.run_all(0);
  const auto report = collect_from_farm(h.root, h.scheduler);
  EXPECT_EQ(report.collected, 1);
  EXPECT_EQ(report.rerouted, 1);
  {
    auto db = h.database();
    const auto takes = db::ProjectStore(db).takes("g");
    ASSERT_EQ(takes.size(), 1u);
    EXPECT_EQ(takes[0].status, db::TakeStatus::Rejected);
    EXPECT_NE(takes[0].reroute_reason.find("green tones"), std::string::npos) << takes[0].reroute_reason;
  }
  // The next backend's job is queued, and submitting again sends it.
  ASSERT_EQ(h.submit().submitted(), 1);
  EXPECT_EQ(h.manifest(1).jobs[0].backend, "turbo");
  h.run_all(1);
  collect_from_farm(h.root, h.scheduler);
  auto db = h.database();
  const auto takes = db::ProjectStore(db).takes("g");
  ASSERT_EQ(takes.size(), 2u);
  EXPECT_EQ(takes[1].backend, "turbo");
  EXPECT_EQ(takes[1].status, db::TakeStatus::Done);
}

}  // namespace
}  // namespace shotgen::farm
