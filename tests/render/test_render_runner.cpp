// The render pipeline with fake backends (test doubles): planning, batching, idempotence, faults.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "db/audit.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "media/png.h"
#include "media/video_reader.h"
#include "render/job_planner.h"
#include "render/job_queue.h"
#include "render/render_runner.h"
#include "render/take_adoption.h"
#include "render/take_files.h"
#include "render/take_store.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

struct Harness {
  TempDir dir;
  fs::path root;
  std::shared_ptr<FakeBackend> final_backend = std::make_shared<FakeBackend>("final");
  std::shared_ptr<FakeBackend> turbo_backend =
      std::make_shared<FakeBackend>("turbo", std::array<std::uint8_t, 3>{40, 40, 200}, true);
  BackendRegistry registry;

  explicit Harness(const FilmSpec& spec = {}) : root(make_workspace(dir.path() / "ws", spec)) {
    registry.add(final_backend);
    registry.add(turbo_backend);
  }
  RenderSummary render(RenderRequest request = all(), engine::CancelToken* cancel = nullptr) {
    return render_shots(root, request, registry, nullptr, cancel);
  }
  static RenderRequest all() {
    RenderRequest r;
    r.all = true;
    return r;
  }
  db::Database database() const { return db::open_project_database(root / "shotgen.db"); }
  int count(const std::string& sql) const {
    auto db = database();
    auto stmt = db.prepare(sql);
    stmt.step();
    return stmt.integer(0);
  }
};

TEST(RenderRunner, RendersEveryShotIntoRecordedTakes) {
  Harness h;
  const auto summary = h.render();
  EXPECT_TRUE(summary.ok());
  EXPECT_EQ(summary.rendered, 3);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done'"), 3);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 3);

  auto db = h.database();
  db::ProjectStore store(db);
  const auto takes = store.takes("s1_01");
  ASSERT_EQ(takes.size(), 1u);
  const auto& take = takes.front();
  EXPECT_EQ(take.backend, "final");
  EXPECT_EQ(take.model, "fake");
  EXPECT_EQ(take.positive.rfind("Hand-painted 2D animation", 0), 0u) << take.positive;
  EXPECT_NE(take.negative.find("extra fingers"), std::string::npos);
  EXPECT_EQ(take.style_revision_id, store.current_style_revision().id);
  EXPECT_EQ(take.negative_revision_id, store.current_negative_revision().id);
  EXPECT_TRUE(fs::exists(h.root / take.mp4_path));
  EXPECT_TRUE(fs::exists(h.root / take.poster_path));
  EXPECT_EQ(take.take_number, 1);
  EXPECT_EQ(take.mp4_path, take_paths("s1_01", 1, *take.job_id).mp4);
  const auto timings = nlohmann::json::parse(take.timings_json);
  for (const char* key : {"queue_wait_s", "model_s", "encode_s", "batch_size"}) EXPECT_TRUE(timings.contains(key)) << key;
  EXPECT_EQ(take.seed, take_seed(film::load_film_file(h.root / "film.toml"),
                                 *film::load_film_file(h.root / "film.toml").find_shot("s1_01"), 0, std::nullopt));
  // The take MP4 is a real video of the film's size: 0.5 s at 8 fps = 4 frames.
  const auto probe = media::probe_video(h.root / take.mp4_path);
  EXPECT_EQ(probe.frames, 4);
  EXPECT_EQ(probe.width, 64);
  EXPECT_EQ(probe.height, 32);
  EXPECT_EQ(probe.metadata.at("shotgen_shot"), "s1_01");
  // The foundation's audit accepts real renders.
  EXPECT_TRUE(db::audit(store).clean());
}

TEST(RenderRunner, TakeFilesCarryTheirProvenance) {
  Harness h;
  h.render();
  auto db = h.database();
  const auto take = db::ProjectStore(db).takes("s1_01").front();
  const auto tags = media::probe_video(h.root / take.mp4_path).metadata;
  EXPECT_EQ(tags.at("shotgen_steps"), "2");  // the fake backend's defaults
  EXPECT_EQ(tags.at("shotgen_guidance"), "3.0");
  EXPECT_EQ(tags.at("shotgen_sampler"), "euler");
  EXPECT_EQ(tags.at("shotgen_size"), "32x16");
  EXPECT_EQ(tags.at("shotgen_status"), "kept");
  EXPECT_EQ(tags.at("shotgen_job"), *take.job_id);
  EXPECT_EQ(tags.at("creation_time").substr(0, 10), take.created_at.substr(0, 10));
  // The poster's `parameters` text, as A1111's "PNG Info" reads it.
  const auto text = media::read_png_text(h.root / take.poster_path);
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(text[0].keyword, "parameters");
  const std::string& parameters = text[0].text;
  EXPECT_EQ(parameters.rfind(take.positive + "\nNegative prompt: " + take.negative + "\nSteps: 2, Sampler: Euler, ", 0),
            0u)
      << parameters;
  EXPECT_NE(parameters.find(", CFG scale: 3, Seed: " + std::to_string(take.seed) + ", Size: 32x16, "),
            std::string::npos)
      << parameters;
  // ... and the same text where video tools show a comment.
  EXPECT_EQ(tags.at("comment"), parameters);
}

TEST(RenderRunner, TheTakesOneAnalysisIsRecordedWithIt) {
  Harness h;
  h.render();
  auto db = h.database();
  const auto take = db::ProjectStore(db).takes("s1_01").front();
  const auto analysis = nlohmann::json::parse(take.analysis_json);
  ASSERT_TRUE(analysis.contains("style")) << take.analysis_json;
  EXPECT_EQ(analysis["width"], 32) << "measured on the frames the model produced, not the upscaled MP4";
  EXPECT_EQ(media::probe_video(h.root / take.mp4_path).metadata.at("shotgen_analysis"), take.analysis_json);
}

TEST(RenderRunner, SameSizeShotsShareOneBatch) {
  Harness h;
  h.render();
  ASSERT_EQ(h.final_backend->calls.size(), 1u);
  EXPECT_EQ(h.final_backend->calls.front(), 3);
  EXPECT_EQ(h.count("SELECT COUNT(DISTINCT batch_id) FROM jobs"), 1);
}

TEST(RenderRunner, DifferentLengthsAreSeparateBatchesAndTheCapHolds) {
  FilmSpec spec;
  spec.shots = {{"a"}, {"b"}, {"c"}, {"d", "s1", 1.0}};
  Harness h(spec);
  auto request = Harness::all();
  request.max_batch = 2;
  h.render(request);
  EXPECT_EQ(h.final_backend->calls, (std::vector<int>{2, 1, 1}));
}

TEST(RenderRunner, RerunningRedoesNothing) {
  Harness h;
  h.render();
  const auto mp4 = h.root / db::ProjectStore(h.database()).takes("s1_01").front().mp4_path;
  const auto written = fs::last_write_time(mp4);
  const auto again = h.render();
  EXPECT_EQ(again.rendered, 0);
  EXPECT_EQ(again.already_done, 3);
  EXPECT_EQ(h.final_backend->calls.size(), 1u);
  EXPECT_EQ(fs::last_write_time(mp4), written);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 3);
}

TEST(RenderRunner, TakesOptionAndSeedsGiveDistinctJobs) {
  Harness h;
  auto request = Harness::all();
  request.takes = 3;
  request.seed = 100;
  h.render(request);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done'"), 9);
  EXPECT_EQ(h.count("SELECT COUNT(DISTINCT seed) FROM takes WHERE shot_id = 's1_01'"), 3);
  EXPECT_EQ(h.count("SELECT MIN(seed) FROM takes WHERE shot_id = 's1_01'"), 100);
  // Asking for fewer takes afterwards renders nothing new.
  request.takes = 2;
  EXPECT_EQ(h.render(request).rendered, 0);
}

TEST(RenderRunner, SelectionByShotAndScene) {
  Harness h;
  RenderRequest one;
  one.shots = {"s2_01"};
  EXPECT_EQ(h.render(one).rendered, 1);
  RenderRequest scene;
  scene.scene = "s1";
  EXPECT_EQ(h.render(scene).rendered, 2);
  RenderRequest unknown;
  unknown.shots = {"nope"};
  EXPECT_THROW(h.render(unknown), Error);
}

TEST(RenderRunner, ThrowingBackendIsRetriedUpToTheCapThenFailed) {
  Harness h;
  h.final_backend->fault = FakeBackend::Fault::Throw;
  const auto summary = h.render();
  EXPECT_FALSE(summary.ok());
  EXPECT_EQ(summary.failed, 3);
  EXPECT_EQ(h.final_backend->calls.size(), static_cast<std::size_t>(kDefaultMaxAttempts));
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'failed' AND attempts = 3 AND error LIKE "
                    "'%fake backend exploded%'"),
            3);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 0);
  // Fixed: a rerun renders the failed jobs.
  h.final_backend->fault = FakeBackend::Fault::None;
  EXPECT_EQ(h.render().rendered, 3);
}

TEST(RenderRunner, OutOfMemoryHalvesTheBatch) {
  FilmSpec spec;
  spec.shots = {{"a"}, {"b"}, {"c"}, {"d"}};
  Harness h(spec);
  h.final_backend->fault = FakeBackend::Fault::OutOfMemoryAboveOne;
  const auto summary = h.render();
  EXPECT_TRUE(summary.ok());
  EXPECT_EQ(summary.rendered, 4);
  // 4 → OOM, 2 → OOM, then batches of one.
  EXPECT_EQ(h.final_backend->calls, (std::vector<int>{4, 2, 1, 1, 1, 1}));
  EXPECT_EQ(h.count("SELECT MAX(attempts) FROM jobs"), 1);  // the halving did not count as attempts
}

TEST(RenderRunner, UnwritableRendersFolderFailsJobsThenRerunFinishes) {
  Harness h;
  fs::remove_all(h.root / "renders");
  write_text(h.root / "renders", "not a folder");  // tests run as root: chmod would not stop us
  const auto summary = h.render();
  EXPECT_EQ(summary.failed, 3);
  EXPECT_TRUE(h.final_backend->calls.empty());  // no model time spent on outputs that cannot be written
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'failed' AND error LIKE '%take folder%'"), 3);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 0);
  {
    auto db = h.database();
    auto check = db.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.text(0), "ok");
  }
  fs::remove(h.root / "renders");
  EXPECT_EQ(h.render().rendered, 3);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done'"), 3);
}

TEST(RenderRunner, CorruptedTakeIsDetectedAndRerendered) {
  Harness h;
  h.render();
  auto db = h.database();
  const auto before = db::ProjectStore(db).takes("s1_02").front();
  write_text(h.root / before.mp4_path, "this is not an mp4 any more");
  const auto summary = h.render();
  EXPECT_EQ(summary.bad_takes, 1);
  EXPECT_EQ(summary.rendered, 1);
  const auto takes = db::ProjectStore(db).takes("s1_02");
  ASSERT_EQ(takes.size(), 2u);
  EXPECT_EQ(takes[0].status, db::TakeStatus::Failed);
  EXPECT_TRUE(takes[0].mp4_path.empty());
  EXPECT_NE(take_fault(db, takes[0].id).find(before.mp4_path), std::string::npos);
  EXPECT_EQ(takes[1].status, db::TakeStatus::Done);
  EXPECT_EQ(takes[1].job_id, before.job_id);  // same job identity, rendered again
  EXPECT_GT(media::probe_video(h.root / takes[1].mp4_path).frames, 0);
}

TEST(RenderRunner, DeadWritersTempFilesAreRemovedAndUnknownFilesKept) {
  Harness h;
  h.render();
  const fs::path shot_dir = h.root / "renders" / "s1_01";
  write_text(shot_dir / ".take_1_0123456789.mp4.tmp-999999999", "half written by a dead render");
  const std::string live_temp = ".take_1_0123456789.png.tmp-" + std::to_string(::getpid());
  write_text(shot_dir / live_temp, "being written by a live process");
  write_text(shot_dir / "take_7_abcdef0123.mp4", "a take this database does not know");
  write_text(shot_dir / "notes.txt", "a user's file");
  const auto summary = h.render();
  EXPECT_EQ(summary.removed_files, 1);
  EXPECT_FALSE(fs::exists(shot_dir / ".take_1_0123456789.mp4.tmp-999999999"));
  EXPECT_TRUE(fs::exists(shot_dir / live_temp));
  EXPECT_TRUE(fs::exists(shot_dir / "take_7_abcdef0123.mp4"));
  EXPECT_EQ(summary.unknown_files, std::vector<std::string>{"renders/s1_01/take_7_abcdef0123.mp4"});
  EXPECT_TRUE(fs::exists(shot_dir / "notes.txt"));
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done'"), 3);
}

TEST(RenderRunner, ALostDatabaseCostsNoTakeAndAdoptBringsThemBack) {
  Harness h;
  RenderRequest one;
  one.shots = {"s1_01"};
  h.render(one);
  std::vector<fs::path> first_files;
  for (const auto& entry : fs::directory_iterator(h.root / "renders" / "s1_01")) first_files.push_back(entry.path());
  ASSERT_EQ(first_files.size(), 3u);  // the take, its poster and its kept source frames
  // The database is moved away (as the damaged-database message advises); a render starts afresh.
  for (const char* name : {"shotgen.db", "shotgen.db-wal", "shotgen.db-shm"})
    if (fs::exists(h.root / name)) fs::rename(h.root / name, h.root / (std::string(name) + ".damaged"));
  const auto again = h.render(one);
  EXPECT_EQ(again.rendered, 1);
  EXPECT_EQ(again.unknown_files.size(), 3u);  // MP4, poster, source frames
  for (const auto& file : first_files) EXPECT_TRUE(fs::exists(file)) << "render deleted " << file;

  auto db = h.database();
  db::ProjectStore store(db);
  const auto report = adopt_take_files(h.root, store, AdoptionScope::AllUnknownFiles);
  ASSERT_EQ(report.adopted.size(), 1u);
  EXPECT_TRUE(report.skipped.empty());
  const auto takes = store.takes("s1_01");
  ASSERT_EQ(takes.size(), 2u);
  const auto& adopted = takes[1];
  EXPECT_EQ(adopted.mp4_path, "renders/s1_01/" + first_files[0].filename().replace_extension(".mp4").string());
  EXPECT_EQ(adopted.take_number, 1);
  EXPECT_EQ(adopted.status, db::TakeStatus::Done);
  EXPECT_EQ(adopted.positive, takes[0].positive);
  EXPECT_EQ(adopted.seed, takes[0].seed);
  EXPECT_EQ(adopted.params_json, takes[0].params_json);
  EXPECT_FALSE(adopted.poster_path.empty());
  EXPECT_FALSE(adopted.source_path.empty());  // the kept source frames come back for `shotgen finish`
  EXPECT_EQ(adopted.finish_json, takes[0].finish_json);  // the finishing record, from the shotgen_finish tag
  EXPECT_EQ(takes[0].take_number, 2) << "the new render took the next free number, not the old file's name";
  EXPECT_TRUE(unknown_take_files(h.root, db).empty());
}

TEST(RenderRunner, AdoptRecreatesTheJobsSoNothingIsRenderedAgain) {
  Harness h;
  h.render();
  fs::remove(h.root / "shotgen.db");
  for (const char* name : {"shotgen.db-wal", "shotgen.db-shm"}) fs::remove(h.root / name);
  {
    auto db = db::open_project_database(h.root / "shotgen.db");
    db::ProjectStore store(db);
    store.sync(film::load_film_file(h.root / "film.toml"));
    EXPECT_EQ(adopt_take_files(h.root, store, AdoptionScope::AllUnknownFiles).adopted.size(), 3u);
  }
  const auto calls = h.final_backend->calls.size();
  const auto summary = h.render();
  EXPECT_EQ(summary.already_done, 3);
  EXPECT_EQ(summary.rendered, 0);
  EXPECT_EQ(h.final_backend->calls.size(), calls);
}

TEST(RenderRunner, BlankFramesFailTheJobInsteadOfBecomingADoneTake) {
  Harness h;
  h.final_backend->fault = FakeBackend::Fault::BlankFrames;
  const auto summary = h.render();
  EXPECT_FALSE(summary.ok());
  EXPECT_EQ(summary.rendered, 0);
  ASSERT_EQ(summary.failed, 3);
  for (const auto& failure : summary.failures) EXPECT_EQ(failure.kind, ErrorKind::BlankFrames) << failure.text;
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 0);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'failed' AND error LIKE '%blank frames%'"), 3);
  EXPECT_EQ(h.final_backend->calls.size(), 1u) << "a blank result is not retried in the same run";
  for (const auto& entry : fs::recursive_directory_iterator(h.root / "renders"))
    EXPECT_FALSE(entry.is_regular_file()) << "no take file for a blank clip: " << entry.path();
}

TEST(RenderRunner, DeadWorkersJobIsRequeuedAndFinished) {
  Harness h;
  RenderRequest one;
  one.shots = {"s1_01"};
  h.render(one);
  {
    // Turn the finished job back into a job left running by a process that no longer exists.
    auto db = h.database();
    db.exec("DELETE FROM takes");
    db.exec("UPDATE jobs SET state = 'running', attempts = 1, lease_owner = '" + LeaseOwner::this_process().host +
            ":999999999:deadbeef', lease_expires_at = 9999999999999");
  }
  const auto calls = h.final_backend->calls.size();
  const auto summary = h.render(one);
  EXPECT_EQ(summary.recovered_jobs, 1);
  // Its take files were renamed into place but not recorded (killed before the commit): the
  // commit is completed from their tags instead of deleting them and rendering again.
  EXPECT_EQ(summary.adopted_takes, 1);
  EXPECT_EQ(summary.removed_files, 0);
  EXPECT_EQ(summary.rendered, 0);
  EXPECT_EQ(summary.already_done, 1);
  EXPECT_EQ(h.final_backend->calls.size(), calls);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done'"), 1);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 1);
}

TEST(RenderRunner, CancelTokenCancelsTheRunningBatchAndRerunFinishes) {
  FilmSpec spec;
  spec.shots = {{"a"}, {"b", "s1", 1.0}};  // two batches (different lengths)
  Harness h(spec);
  engine::CancelToken cancel;
  h.final_backend->fault = FakeBackend::Fault::CancelAfterFirst;
  h.final_backend->cancel_token = &cancel;
  const auto summary = h.render(Harness::all(), &cancel);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_EQ(summary.rendered, 1);
  EXPECT_EQ(summary.cancelled, 1);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'cancelled' AND error LIKE '%interrupted%'"), 1);
  h.final_backend->fault = FakeBackend::Fault::None;
  const auto rerun = h.render();
  EXPECT_EQ(rerun.rendered, 1);
  EXPECT_EQ(rerun.already_done, 1);
}

TEST(RenderRunner, NegativeThatDidNotBiteReroutesToTheNextBackend) {
  FilmSpec spec;
  spec.fallback = {"greenish", "reddish"};
  spec.shots = {{"g"}};
  spec.shots[0].negative = {"green tones"};
  TempDir dir;
  const auto root = make_workspace(dir.path() / "ws", spec);
  auto green = std::make_shared<FakeBackend>("greenish", std::array<std::uint8_t, 3>{30, 200, 40});
  auto red = std::make_shared<FakeBackend>("reddish", std::array<std::uint8_t, 3>{200, 40, 30});
  BackendRegistry registry;
  registry.add(green);
  registry.add(red);
  const auto summary = render_shots(root, Harness::all(), registry, nullptr, nullptr);
  EXPECT_EQ(summary.rerouted, 1);
  EXPECT_EQ(summary.rendered, 1);
  auto db = db::open_project_database(root / "shotgen.db");
  const auto takes = db::ProjectStore(db).takes("g");
  ASSERT_EQ(takes.size(), 2u);
  EXPECT_EQ(takes[0].backend, "greenish");
  EXPECT_EQ(takes[0].status, db::TakeStatus::Rejected);
  EXPECT_NE(takes[0].reroute_reason.find("green tones"), std::string::npos) << takes[0].reroute_reason;
  EXPECT_EQ(takes[1].backend, "reddish");
  EXPECT_EQ(takes[1].status, db::TakeStatus::Done);
  EXPECT_EQ(takes[1].seed, takes[0].seed);
  // Two renders of take slot 1, two take numbers and two distinct names; each file says what it is.
  EXPECT_EQ(takes[0].take_number, 1);
  EXPECT_EQ(takes[1].take_number, 2);
  EXPECT_NE(fs::path(takes[0].mp4_path).filename().string().substr(0, 7),
            fs::path(takes[1].mp4_path).filename().string().substr(0, 7));
  const auto rejected_tags = media::probe_video(root / takes[0].mp4_path).metadata;
  EXPECT_EQ(rejected_tags.at("shotgen_status"), "rejected");
  EXPECT_EQ(rejected_tags.at("shotgen_backend"), "greenish");
  EXPECT_NE(rejected_tags.at("shotgen_reroute_reason").find("green tones"), std::string::npos);
  const auto kept_tags = media::probe_video(root / takes[1].mp4_path).metadata;
  EXPECT_EQ(kept_tags.at("shotgen_status"), "kept");
  EXPECT_EQ(kept_tags.at("shotgen_backend"), "reddish");
  EXPECT_EQ(kept_tags.at("shotgen_take"), "2");
  // The chosen take is the re-routed one, and a rerun renders nothing.
  EXPECT_EQ(chosen_take(db::ProjectStore(db), "g")->backend, "reddish");
  EXPECT_EQ(render_shots(root, Harness::all(), registry, nullptr, nullptr).rendered, 0);
  EXPECT_EQ(green->calls.size() + red->calls.size(), 2u);
}

TEST(RenderRunner, RunningTheQueueWithoutASelection) {
  Harness h;
  h.final_backend->fault = FakeBackend::Fault::Throw;
  h.render();
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'failed'"), 3);
  {
    auto db = h.database();
    EXPECT_EQ(JobQueue(db).retry(std::nullopt), 3);
  }
  h.final_backend->fault = FakeBackend::Fault::None;
  const auto summary = h.render(RenderRequest{});
  EXPECT_EQ(summary.rendered, 3);
}

TEST(RenderRunner, PlanOnlyQueuesTheJobsAndRendersNothing) {
  Harness h;
  auto request = Harness::all();
  request.plan_only = true;  // what `shotgen farm submit` plans with
  const auto summary = h.render(request);
  EXPECT_EQ(summary.planned, 3);
  EXPECT_EQ(summary.rendered, 0);
  EXPECT_TRUE(h.final_backend->calls.empty());
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM jobs WHERE state = 'queued'"), 3);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes"), 0);
  EXPECT_EQ(h.render(RenderRequest{}).rendered, 3);  // the queue renders as planned
}

TEST(RenderRunner, ApprovalChoosesTheTake) {
  Harness h;
  auto request = Harness::all();
  request.takes = 2;
  h.render(request);
  auto db = h.database();
  db::ProjectStore store(db);
  EXPECT_EQ(chosen_take(store, "s1_01")->take_index, 0);
  approve_take(store, "s1_01", 2);
  EXPECT_EQ(chosen_take(store, "s1_01")->take_index, 1);
  approve_take(store, "s1_01", 1);
  EXPECT_EQ(chosen_take(store, "s1_01")->take_index, 0);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE approved = 1"), 1);
  EXPECT_THROW(approve_take(store, "s1_01", 3), Error);
}

TEST(RenderRunner, BestOfRendersTakesUntilOneLooksAsAsked) {
  // The fake backend draws near-flat fields: a hand-painted style block is never met, so every
  // shot gets all N takes, one after another (each queued by the take before it).
  Harness h;
  auto request = Harness::all();
  request.best_of = 3;
  const auto summary = h.render(request);
  EXPECT_TRUE(summary.ok());
  EXPECT_EQ(summary.planned, 9);  // three planned, six joined as takes missed
  EXPECT_EQ(summary.rendered, 9);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done' AND shot_id = 's1_01'"), 3);
  auto db = h.database();
  const auto takes = db::ProjectStore(db).takes("s1_01");
  ASSERT_EQ(takes.size(), 3u);
  for (const auto& take : takes) EXPECT_FALSE(take_look_match(take).as_asked()) << take.analysis_json;
  // Planning again walks the same takes: nothing to render; more takes continue the walk.
  const auto again = h.render(request);
  EXPECT_EQ(again.rendered, 0);
  EXPECT_EQ(again.already_done, 9);
  request.best_of = 4;
  EXPECT_EQ(h.render(request).rendered, 3);
}

TEST(RenderRunner, BestOfContinuesFromTakesRenderedBefore) {
  Harness h;
  auto request = Harness::all();
  request.takes = 2;
  EXPECT_EQ(h.render(request).rendered, 6);
  request.takes.reset();
  request.best_of = 3;  // takes 1 and 2 missed their look: only take 3 of each shot is new
  const auto summary = h.render(request);
  EXPECT_EQ(summary.rendered, 3);
  EXPECT_EQ(summary.already_done, 6);
  EXPECT_EQ(summary.planned, 9);
  EXPECT_EQ(h.count("SELECT COUNT(*) FROM takes WHERE status = 'done'"), 9);
}

TEST(RenderRunner, BestOfStopsAtTheFirstTakeThatLooksAsAsked) {
  FilmSpec spec;
  spec.style_block = "Flat 2D animation, clean flat fills.";  // what the fake backend's fields measure
  Harness h(spec);
  auto request = Harness::all();
  request.best_of = 3;
  const auto summary = h.render(request);
  EXPECT_EQ(summary.rendered, 3);
  auto db = h.database();
  const auto takes = db::ProjectStore(db).takes("s1_01");
  ASSERT_EQ(takes.size(), 1u);
  EXPECT_TRUE(take_look_match(takes[0]).as_asked()) << takes[0].analysis_json;
  EXPECT_EQ(h.render(request).rendered, 0);
}

TEST(RenderRunner, BestOfGoesOnPastATakeRejectedInReview) {
  FilmSpec spec;
  spec.style_block = "Flat 2D animation, clean flat fills.";  // met by the fake backend's fields
  spec.fallback = {"final"};  // no backend to re-route to: a rejected take stays rejected
  Harness h(spec);
  auto request = Harness::all();
  request.best_of = 3;
  EXPECT_EQ(h.render(request).rendered, 3);
  {
    auto db = h.database();
    reject_take(db::ProjectStore(db), "s1_01", 1);
  }
  const auto again = h.render(request);
  EXPECT_EQ(again.rendered, 1);  // s1_01's take 2; the other shots keep their take 1
  auto db = h.database();
  EXPECT_EQ(chosen_take(db::ProjectStore(db), "s1_01")->take_index, 1);
}

TEST(RenderRunner, FramesAndSeedPolicy) {
  auto film = film::load_film_string(film_toml({}), "film.toml");
  const auto& shot = *film.find_shot("s1_01");
  EXPECT_EQ(shot_frames(film, shot), 4);  // 0.5 s at 8 fps
  auto long_shot = shot;
  long_shot.duration = 1000.0;
  EXPECT_EQ(shot_frames(film, long_shot), kMaxShotFrames);
  long_shot.duration = 1e300;  // beyond what lround can take
  EXPECT_EQ(shot_frames(film, long_shot), kMaxShotFrames);
  EXPECT_EQ(take_seed(film, shot, 1, std::nullopt), take_seed(film, shot, 0, std::nullopt) + 1);
  EXPECT_NE(take_seed(film, shot, 0, std::nullopt), take_seed(film, *film.find_shot("s1_02"), 0, std::nullopt));
  EXPECT_EQ(take_seed(film, shot, 2, 50), 52u);
  film.info.seed_policy = film::SeedPolicy::Fixed;
  film.info.base_seed = 7;
  EXPECT_EQ(take_seed(film, shot, 1, std::nullopt), 8u);
}

TEST(RenderRunner, SeedsStayInsideTomlsIntegerRange) {
  constexpr std::uint64_t kLargestTomlInteger = 9223372036854775807ull;
  auto film = film::load_film_string(film_toml({}), "film.toml");
  auto shot = *film.find_shot("s1_01");
  // Per-shot seeds come from a hash; about half of all shot ids hash to 2^63 or more.
  int hashes_past_the_range = 0;
  for (int i = 0; i < 64; ++i) {
    shot.id = "shot_" + std::to_string(i);
    if (sha256_u64(std::to_string(film.info.base_seed) + "/" + shot.id) > kLargestTomlInteger) ++hashes_past_the_range;
    for (int take = 0; take < 3; ++take) EXPECT_LE(take_seed(film, shot, take, std::nullopt), kLargestTomlInteger) << shot.id;
  }
  EXPECT_GT(hashes_past_the_range, 10);  // the loop above met such hashes
  // Seeds that are in range already are kept; the end of the range wraps to 0.
  EXPECT_EQ(take_seed(film, shot, 1, 41), 42u);
  EXPECT_EQ(take_seed(film, shot, 1, kLargestTomlInteger), 0u);
  shot.seed = kLargestTomlInteger;
  EXPECT_EQ(take_seed(film, shot, 0, std::nullopt), kLargestTomlInteger);
  EXPECT_LE(take_seed(film, shot, 2, std::nullopt), kLargestTomlInteger);
}

}  // namespace
}  // namespace shotgen::render
