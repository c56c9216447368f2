// Planning a render: the shot selection, the jobs planned for it (idempotent, walking the route past
// rejected takes) and the queue's story order.
#include <gtest/gtest.h>

#include "core/error.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "render/job_planner.h"
#include "render/job_queue.h"
#include "render/render_runner.h"
#include "render/take_store.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

struct PlannerFixture : ::testing::Test {
  db::Database db = db::Database::open_in_memory();
  JobQueue queue{db};
  LeaseOwner me = LeaseOwner::this_process();
  film::Film film;
  BackendRegistry registry;

  void SetUp() override {
    registry.add(std::make_shared<FakeBackend>("final"));
    registry.add(std::make_shared<FakeBackend>("turbo", std::array<std::uint8_t, 3>{40, 40, 200}, true));
    db::migrate(db);
    film = film::load_film_string(film_toml(FilmSpec{}), "film.toml");  // routes: final, then turbo
    db::ProjectStore(db).sync(film);
  }
  static RenderRequest all() {
    RenderRequest r;
    r.all = true;
    return r;
  }
  Plan plan(const RenderRequest& request = all()) {
    return plan_jobs(film, select_shots(film, request), request, registry, queue);
  }
  std::vector<std::string> ids(const std::vector<const film::Shot*>& shots) {
    std::vector<std::string> out;
    for (const auto* shot : shots) out.push_back(shot->id);
    return out;
  }
  NewJob job(const std::string& shot_id, const std::string& backend, int take = 0) {
    const film::Shot& shot = *film.find_shot(shot_id);
    return job_for(film, shot, take, take_seed(film, shot, take, std::nullopt), registry.get(backend));
  }
  // The job's render recorded as its runner records it: done, with a take of `status`; a rejected
  // take queues `next` (the re-route).
  void finish(const std::string& job_id, db::TakeStatus status, const std::optional<NewJob>& next = std::nullopt) {
    const Job claimed = queue.claim_batch({job_id}, me, 1, 60'000).at(0);
    db::TakeRecord take;
    take.shot_id = claimed.shot_id;
    take.take_index = claimed.take_index;
    take.take_number = db::ProjectStore(db).last_take_number(claimed.shot_id) + 1;
    take.job_id = claimed.id;
    take.seed = claimed.seed;
    take.backend = claimed.backend;
    take.params_json = claimed.params_json;
    take.prompt_hash = claimed.prompt_hash;
    take.status = status;
    ASSERT_TRUE(record_finished_take(db, me, take, next));
  }
};

std::string problem_text(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.problem().message();
  }
  return "(no error)";
}

TEST_F(PlannerFixture, SelectsAllAShotsSceneAndNamedShotsEachOnce) {
  EXPECT_EQ(ids(select_shots(film, all())), (std::vector<std::string>{"s1_01", "s1_02", "s2_01"}));
  RenderRequest scene;
  scene.scene = "s2";
  EXPECT_EQ(ids(select_shots(film, scene)), std::vector<std::string>{"s2_01"});
  RenderRequest mixed;
  mixed.scene = "s1";
  mixed.shots = {"s2_01", "s1_02", "s2_01"};  // the scene's shots first, then the others once
  EXPECT_EQ(ids(select_shots(film, mixed)), (std::vector<std::string>{"s1_01", "s1_02", "s2_01"}));
}

TEST_F(PlannerFixture, SelectionErrorsNameTheUnknownShotOrScene) {
  RenderRequest shot;
  shot.shots = {"s1_01", "nope_shot"};
  const std::string shot_error = problem_text([&] { select_shots(film, shot); });
  EXPECT_NE(shot_error.find("unknown shot 'nope_shot'"), std::string::npos) << shot_error;
  RenderRequest scene;
  scene.scene = "nope_scene";
  const std::string scene_error = problem_text([&] { select_shots(film, scene); });
  EXPECT_NE(scene_error.find("unknown scene 'nope_scene'"), std::string::npos) << scene_error;
  EXPECT_NE(scene_error.find("scenes: s1, s2"), std::string::npos) << scene_error;  // the known ones
  EXPECT_TRUE(queue.list().empty());
}

TEST_F(PlannerFixture, PlanningAgainEnqueuesNothingNewAndCountsDoneJobs) {
  const Plan first = plan();
  ASSERT_EQ(first.job_ids.size(), 3u);
  EXPECT_EQ(first.already_done, 0);
  for (const auto& id : first.job_ids) EXPECT_EQ(queue.find(id)->backend, "final");
  const Plan second = plan();
  EXPECT_EQ(second.job_ids, first.job_ids);  // the same jobs, found by identity
  EXPECT_EQ(second.already_done, 0);
  EXPECT_EQ(queue.list().size(), 3u);
  finish(first.job_ids[0], db::TakeStatus::Done);
  const Plan third = plan();
  EXPECT_EQ(third.job_ids, (std::vector<std::string>{first.job_ids[1], first.job_ids[2]}));
  EXPECT_EQ(third.already_done, 1);
  EXPECT_EQ(queue.list().size(), 3u);
}

TEST_F(PlannerFixture, MoreTakesAddJobsAndTakesBelowOneAreRefused) {
  auto request = all();
  request.takes = 2;
  const Plan plan_two = plan(request);
  EXPECT_EQ(plan_two.job_ids.size(), 6u);
  EXPECT_EQ(queue.find(plan_two.job_ids[1])->take_index, 1);
  request.takes = 0;
  EXPECT_THROW(plan(request), Error);
  EXPECT_EQ(queue.list().size(), 6u);
}

TEST_F(PlannerFixture, WalksTheRoutePastARejectedTake) {
  RenderRequest one;
  one.shots = {"s1_01"};
  const Plan first = plan(one);
  ASSERT_EQ(first.job_ids.size(), 1u);
  const NewJob next = job("s1_01", "turbo");
  finish(first.job_ids[0], db::TakeStatus::Rejected, next);  // the re-route queued the turbo job
  const Plan second = plan(one);
  EXPECT_EQ(second.job_ids, std::vector<std::string>{next.id()});
  EXPECT_EQ(second.already_done, 0);
  EXPECT_EQ(queue.list().size(), 2u);
  finish(next.id(), db::TakeStatus::Done);
  const Plan third = plan(one);
  EXPECT_TRUE(third.job_ids.empty());
  EXPECT_EQ(third.already_done, 1);
}

TEST_F(PlannerFixture, ARejectedTakeOnTheLastBackendCountsAsDone) {
  RenderRequest one;
  one.shots = {"s1_01"};
  const std::string final_job = plan(one).job_ids.at(0);
  const NewJob next = job("s1_01", "turbo");
  finish(final_job, db::TakeStatus::Rejected, next);
  finish(next.id(), db::TakeStatus::Rejected);  // nowhere further to go: the take is kept
  const Plan again = plan(one);
  EXPECT_TRUE(again.job_ids.empty());
  EXPECT_EQ(again.already_done, 1);
  EXPECT_EQ(queue.list().size(), 2u);
}

TEST_F(PlannerFixture, QueuedJobsInStoryOrderAndTheirShots) {
  const auto late = queue.enqueue(job("s2_01", "final")).job.id;
  const auto second_take = queue.enqueue(job("s1_02", "final", 1)).job.id;
  const auto first_take = queue.enqueue(job("s1_02", "final", 0)).job.id;
  EXPECT_EQ(queued_jobs_in_story_order(film, queue), (std::vector<std::string>{first_take, second_take, late}));
  EXPECT_EQ(ids(shots_with_queued_jobs(film, db)), (std::vector<std::string>{"s1_02", "s2_01"}));
  queue.claim_batch({late}, me, 1, 60'000);  // running: no longer queued
  EXPECT_EQ(queued_jobs_in_story_order(film, queue), (std::vector<std::string>{first_take, second_take}));
  EXPECT_EQ(ids(shots_with_queued_jobs(film, db)), std::vector<std::string>{"s1_02"});
}

}  // namespace
}  // namespace shotgen::render
