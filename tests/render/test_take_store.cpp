// Take records as planning reads them: the status of the take a job produced.
#include <gtest/gtest.h>

#include "db/migrations.h"
#include "db/project_store.h"
#include "film/film_loader.h"
#include "render/job_queue.h"
#include "render/take_store.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

struct TakeStoreFixture : ::testing::Test {
  db::Database db = db::Database::open_in_memory();
  JobQueue queue{db};
  LeaseOwner me = LeaseOwner::this_process();

  void SetUp() override {
    db::migrate(db);
    db::ProjectStore(db).sync(film::load_film_string(film_toml(FilmSpec{}), "film.toml"));
  }
  // A job of `shot` finished with a take of `status` (take number `number`); returns the job id.
  std::string finished_job(const std::string& shot, int number, db::TakeStatus status, const std::string& positive = "",
                           const std::string& analysis_json = "{}", const std::string& finish_json = "") {
    const auto seed = static_cast<std::uint64_t>(number);  // one job per take
    const auto id = queue.enqueue({shot, number - 1, "final", R"({"frames":4})", seed, "hash-" + shot, 3}).job.id;
    queue.claim_batch({id}, me, 1, 60'000);
    db::TakeRecord take;
    take.shot_id = shot;
    take.take_index = number - 1;
    take.take_number = number;
    take.job_id = id;
    take.backend = "final";
    take.status = status;
    take.positive = positive;
    take.analysis_json = analysis_json;
    take.finish_json = finish_json;
    EXPECT_TRUE(record_finished_take(db, me, take, std::nullopt));
    return id;
  }
};

TEST_F(TakeStoreFixture, TakeStatusOfJobReadsTheJobsTake) {
  const auto done = finished_job("s1_01", 1, db::TakeStatus::Done);
  const auto rejected = finished_job("s1_01", 2, db::TakeStatus::Rejected);
  const auto other_shot = finished_job("s2_01", 1, db::TakeStatus::Rejected);
  EXPECT_EQ(take_status_of_job(db, done), db::TakeStatus::Done);
  EXPECT_EQ(take_status_of_job(db, rejected), db::TakeStatus::Rejected);
  EXPECT_EQ(take_status_of_job(db, other_shot), db::TakeStatus::Rejected);
  // A job without a take (queued, or never heard of): none.
  const auto queued = queue.enqueue({"s1_02", 0, "final", R"({"frames":4})", 7u, "hash", 3}).job.id;
  EXPECT_EQ(take_status_of_job(db, queued), std::nullopt);
  EXPECT_EQ(take_status_of_job(db, "no-such-job"), std::nullopt);
  // Rejected in review: planning sees the take as rejected from then on.
  reject_take(db::ProjectStore(db), "s1_01", 1);
  EXPECT_EQ(take_status_of_job(db, done), db::TakeStatus::Rejected);
}

// What a take measured: palette and lighting classes (analyze::to_json's layout).
std::string measured(const std::string& palette, const std::string& key) {
  return R"({"palette": {"class": ")" + palette + R"("}, "key": {"class": ")" + key + R"("}})";
}

TEST_F(TakeStoreFixture, TheFilmUsesTheTakeThatLooksAsAsked) {
  const std::string asked = "warm palette, night";
  finished_job("s1_01", 1, db::TakeStatus::Done, asked, measured("cool palette", "night"));
  finished_job("s1_01", 2, db::TakeStatus::Done, asked, measured("warm palette", "night"));
  finished_job("s1_01", 3, db::TakeStatus::Done, asked, measured("warm palette", "high-key lighting"));
  db::ProjectStore store(db);
  EXPECT_EQ(chosen_take(store, "s1_01")->take_number, 2);
  EXPECT_EQ(take_look_match(*chosen_take(store, "s1_01")).matched(), 2);
  // The filmmaker's approval wins over the measures.
  approve_take(store, "s1_01", 3);
  EXPECT_EQ(chosen_take(store, "s1_01")->take_number, 3);
  // Rejected in review, the best match is out of the film; the next best among equals is the lowest.
  approve_take(store, "s1_01", 1);
  reject_take(store, "s1_01", 2);
  EXPECT_EQ(chosen_take(store, "s1_01")->take_number, 1);
}

TEST_F(TakeStoreFixture, AMoveTheReframeDrewCountsButTheModelsOwnMoveIsPreferred) {
  // Take 1: drawn static, pushed in by the reframe; take 2: the wrong palette; take 3: the model drew the push in.
  const std::string asked = "warm palette, push in";
  auto camera = [](const std::string& move) {
    return R"({"palette": {"class": "warm palette"}, "camera": {"class": ")" + move + R"("}})";
  };
  const std::string reframed = R"({"passes": [], "reframed": "push in"})";
  finished_job("s1_01", 1, db::TakeStatus::Done, asked, camera("static camera"), reframed);
  finished_job("s1_01", 2, db::TakeStatus::Done, asked,
               R"({"palette": {"class": "cool palette"}, "camera": {"class": "push in"}})");
  db::ProjectStore store(db);
  EXPECT_EQ(chosen_take(store, "s1_01")->take_number, 1);  // 2 of 2 as the film shows it, against 1
  EXPECT_EQ(take_look_match(*chosen_take(store, "s1_01")).finishing_note(), "camera: push in drawn by the reframe");
  finished_job("s1_01", 3, db::TakeStatus::Done, asked, camera("push in"));
  EXPECT_EQ(chosen_take(store, "s1_01")->take_number, 3);
}

TEST_F(TakeStoreFixture, AmongEqualMatchesTheFirstTakeIsChosen) {
  // Nothing measured (records from before analyses, or an unreadable one): the first take, as before.
  finished_job("s1_01", 1, db::TakeStatus::Done, "warm palette", "{}");
  finished_job("s1_01", 2, db::TakeStatus::Done, "warm palette", "not json");
  finished_job("s1_01", 3, db::TakeStatus::Rejected, "warm palette", measured("warm palette", "night"));
  EXPECT_EQ(chosen_take(db::ProjectStore(db), "s1_01")->take_number, 1);
  // A later, better-matching record of take 2 replaces its older record.
  finished_job("s1_02", 1, db::TakeStatus::Done, "warm palette", measured("warm palette", "night"));
  finished_job("s1_02", 2, db::TakeStatus::Done, "warm palette", measured("warm palette", "night"));
  EXPECT_EQ(chosen_take(db::ProjectStore(db), "s1_02")->take_number, 1);
}

TEST_F(TakeStoreFixture, ATakeOfAnOlderPromptDoesNotWinOnItsLook) {
  // Takes 2 and 3 were rendered before the prompt changed; take 1 again after.
  finished_job("s1_01", 2, db::TakeStatus::Done, "warm palette, night", measured("warm palette", "night"));
  finished_job("s1_01", 3, db::TakeStatus::Done, "cool palette, night", measured("warm palette", "high-key lighting"));
  finished_job("s1_01", 1, db::TakeStatus::Done, "cool palette, night", measured("warm palette", "high-key lighting"));
  EXPECT_EQ(chosen_take(db::ProjectStore(db), "s1_01")->take_number, 1);
  // A take of the new prompt that matches better does win.
  finished_job("s1_01", 4, db::TakeStatus::Done, "cool palette, night", measured("cool palette", "night"));
  EXPECT_EQ(chosen_take(db::ProjectStore(db), "s1_01")->take_number, 4);
}

}  // namespace
}  // namespace shotgen::render
