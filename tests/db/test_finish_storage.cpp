// Schema 4: [finish] tables at every level survive sync and load, takes keep their finishing
// record and source frames, and shots may join with a dip to black, also in a database migrated
// from schema 3 with shots in it.
#include <gtest/gtest.h>

#include "core/error.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "db/sample_film.h"

namespace shotgen::db {
namespace {

using shotgen::testing::sample_film;

film::Film film_with_finishing() {
  film::Film film = sample_film();
  film.finish.passes = std::vector{film::FinishPass::Grade, film::FinishPass::Grain};
  film.finish.lut = "luts/print.cube";
  film.finish.grain = 0.04;
  film.scenes[0].finish.lut_interpolation = film::LutInterpolation::Trilinear;
  film.scenes[0].shots[0].finish.aspect = 2.39;
  film.scenes[0].shots[0].finish.passes = std::vector{film::FinishPass::Letterbox};
  film.scenes[0].shots[1].transition = film::Transition::DipToBlack;
  return film;
}

TEST(FinishStorage, FinishTablesAndDipToBlackLoadBackEqual) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  const film::Film film = film_with_finishing();
  store.sync(film);
  EXPECT_EQ(store.load_film(), film);
  EXPECT_FALSE(store.sync(film).changed());

  film::Film regraded = film;
  regraded.finish.grain = 0.08;
  EXPECT_TRUE(store.sync(regraded).film_settings_changed);
  film::Film shot_edit = regraded;
  shot_edit.scenes[0].shots[0].finish.aspect = 1.85;
  const auto report = store.sync(shot_edit);
  ASSERT_EQ(report.updated.size(), 1u);
  EXPECT_EQ(store.shot_history(report.updated[0]).back().before.shot.finish.aspect, 2.39);
  EXPECT_EQ(store.load_film(), shot_edit);
}

TEST(FinishStorage, TakesKeepTheirFinishingRecordAndSourceFrames) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  store.sync(sample_film());
  TakeRecord take;
  take.shot_id = sample_film().scenes[0].shots[0].id;
  take.finish_json = R"({"block_hash":"ab"})";
  take.source_path = "renders/x/take_1_00_source.png";
  const auto id = store.insert_take(take);
  EXPECT_EQ(store.takes()[0].finish_json, take.finish_json);
  EXPECT_EQ(store.takes()[0].source_path, take.source_path);
  store.set_take_finish(id, R"({"block_hash":"cd"})");
  EXPECT_EQ(store.takes()[0].finish_json, R"({"block_hash":"cd"})");
  EXPECT_THROW(store.set_take_finish(id + 1, "{}"), Error);
}

TEST(FinishStorage, SchemaFourDatabaseWithShotsAcceptsDipToBlackAfterMigrating) {
  auto db = Database::open_in_memory();
  for (int i = 0; i < 4; ++i) db.exec(migrations()[i].sql);
  db.exec("PRAGMA user_version = 4");
  // A shot with a job and a take, as a schema 4 database holds them.
  db.exec(
      "INSERT INTO scenes(id, position, title, negative_json, created_at, updated_at) VALUES ('s', 0, '', '[]', 't', 't');"
      "INSERT INTO shots(id, scene_id, position, action, negative_json, references_json, tags_json, route, takes, "
      "  transition, transition_seconds, created_at, updated_at) "
      "  VALUES ('a', 's', 0, 'x', '[]', '[]', '[]', '', 1, 'crossfade', 0.5, 't', 't');"
      "INSERT INTO jobs(id, shot_id, take_index, backend, params_json, seed, prompt_hash, created_at, updated_at) "
      "  VALUES ('j', 'a', 0, 'final', '{}', 1, 'h', 't', 't');"
      "INSERT INTO takes(shot_id, take_index, job_id, positive, negative, seed, backend, model, params_json, "
      "  prompt_hash, status, mp4_path, poster_path, frames_dir, timings_json, reroute_reason, created_at) "
      "  VALUES ('a', 0, 'j', 'p', 'n', 1, 'final', 'm', '{}', 'h', 'done', 'a.mp4', 'a.png', '', '{}', '', 't');");
  migrate(db);
  EXPECT_EQ(db.user_version(), 5);
  EXPECT_EQ(latest_schema_version(), 5);
  db.exec("UPDATE shots SET transition = 'dip_to_black' WHERE id = 'a'");
  EXPECT_THROW(db.exec("UPDATE shots SET transition = 'wipe' WHERE id = 'a'"), Error);  // still checked
  EXPECT_EQ(ProjectStore(db).takes()[0].finish_json, "");  // takes of before finishing: no record
  EXPECT_FALSE(db.prepare("PRAGMA foreign_key_check").step());
  auto check = db.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
  ProjectStore store(db);
  store.sync(film_with_finishing());
  EXPECT_EQ(store.load_film(), film_with_finishing());
}

}  // namespace
}  // namespace shotgen::db
