#include "db/project_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "db/migrations.h"
#include "db/sample_film.h"
#include "film/film_loader.h"
#include "film/film_writer.h"
#include "support/test_support.h"

namespace shotgen::db {
namespace {
namespace fs = std::filesystem;
using shotgen::testing::sample_film;
using shotgen::testing::sample_shot;
using shotgen::testing::TempDir;
using Ids = std::vector<std::string>;

std::vector<std::string> all_shot_ids(const film::Film& film) {
  std::vector<std::string> ids;
  for (const auto& scene : film.scenes)
    for (const auto& shot : scene.shots) ids.push_back(shot.id);
  return ids;
}

SyncReport sync_file(const fs::path& path, const film::Film& film) {
  auto db = open_project_database(path);
  return ProjectStore(db).sync(film);
}

// Every row of every table as text, leaving out timestamps and surrogate (autoincrement) ids,
// sorted so that two databases with the same content compare equal.
std::vector<std::string> content_of(const Database& db) {
  std::vector<std::string> rows;
  auto tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  while (tables.step()) {
    const std::string table = tables.text(0);
    std::vector<std::string> columns;
    auto info = db.prepare("SELECT name, pk FROM pragma_table_info(?1)");
    info.bind(1, table);
    while (info.step()) {
      const std::string name = info.text(0);
      const bool surrogate_id = name == "id" && (table == "style_revisions" || table == "negative_revisions" ||
                                                 table == "shot_revisions" || table == "takes");
      if (!surrogate_id && !name.ends_with("_at")) columns.push_back(name);
    }
    std::string select = "SELECT ";
    for (std::size_t i = 0; i < columns.size(); ++i)
      select += (i ? " || '|' || " : "") + ("quote(" + columns[i] + ")");
    auto stmt = db.prepare(select + " FROM " + table);
    while (stmt.step()) rows.push_back(table + ": " + stmt.text(0));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST(ProjectStore, FirstSyncAddsEverythingAndLoadsBackEqual) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  EXPECT_FALSE(store.has_film());
  const auto film = sample_film();
  auto report = store.sync(film);
  EXPECT_EQ(report.title, "The Lantern Keeper");
  EXPECT_EQ(report.added, all_shot_ids(film));
  EXPECT_TRUE(report.new_style_revision);
  EXPECT_TRUE(report.new_negative_revision);
  EXPECT_TRUE(report.changed());
  EXPECT_TRUE(store.has_film());
  EXPECT_EQ(store.load_film(), film);
  EXPECT_EQ(store.current_style_revision().text, film.style.text);
  EXPECT_EQ(store.current_negative_revision().block, film.negative);
}

TEST(ProjectStore, LoadFilmBeforeAnySyncIsAnError) {
  auto db = Database::open_in_memory();
  migrate(db);
  EXPECT_THROW(ProjectStore(db).load_film(), Error);
}

TEST(ProjectStore, ResyncOfTheSameFilmWritesNothing) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  const auto film = sample_film();
  sync_file(path, film);
  ASSERT_FALSE(fs::exists(path.string() + "-wal"));  // closed: everything is in the main file
  const auto before = read_file(path);
  {
    auto db = open_project_database(path);
    const auto changes = db.total_changes();
    auto report = ProjectStore(db).sync(film);
    EXPECT_EQ(db.total_changes(), changes);
    EXPECT_FALSE(report.changed());
    EXPECT_EQ(report.unchanged, all_shot_ids(film));
    EXPECT_FALSE(report.new_style_revision);
    EXPECT_EQ(report.style_revision_id, 1);
  }
  EXPECT_EQ(read_file(path), before);
}

TEST(ProjectStore, EditingAShotUpdatesItInPlaceAndKeepsEveryPreviousVersion) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  auto film = sample_film();
  store.sync(film);
  const auto original = *store.shot("harbor_02");

  film.scenes[0].shots[1].action = "the lantern goes out";
  auto report = store.sync(film);
  EXPECT_EQ(report.updated, Ids{"harbor_02"});
  EXPECT_EQ(report.unchanged.size(), 3u);
  EXPECT_FALSE(report.new_style_revision);
  film.scenes[0].shots[1].look.get(film::LookField::Mood) = "tense";
  store.sync(film);

  EXPECT_EQ(store.shot("harbor_02")->shot, film.scenes[0].shots[1]);
  auto history = store.shot_history("harbor_02");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].revision, 1);
  EXPECT_EQ(history[0].reason, "edited");
  EXPECT_EQ(history[0].before.shot, original.shot);
  EXPECT_EQ(history[1].before.shot.action, "the lantern goes out");
  EXPECT_FALSE(history[1].before.shot.look.get(film::LookField::Mood).has_value());
  EXPECT_TRUE(store.shot_history("harbor_01").empty());
}

TEST(ProjectStore, RemovedShotIsArchivedWithItsTakesAndComesBackWhenReadded) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  auto film = sample_film();
  store.sync(film);
  TakeRecord take;
  take.shot_id = "roof_01";
  take.positive = film.style.text + ", a thief";
  take.negative = "blurry";
  take.prompt_hash = "abc";
  take.backend = "final";
  store.insert_take(take);

  auto without = film;
  without.scenes[1].shots.erase(without.scenes[1].shots.begin());
  auto report = store.sync(without);
  EXPECT_EQ(report.archived, Ids{"roof_01"});
  EXPECT_EQ(store.load_film(), without);
  auto record = store.shot("roof_01");
  ASSERT_TRUE(record.has_value());
  EXPECT_TRUE(record->archived);
  EXPECT_EQ(store.shots(false).size(), 3u);
  EXPECT_EQ(store.shots(true).size(), 4u);
  EXPECT_TRUE(store.shots(true).back().archived);
  EXPECT_EQ(store.takes("roof_01").size(), 1u);
  EXPECT_EQ(store.shot_history("roof_01").back().reason, "archived");
  EXPECT_FALSE(store.sync(without).changed());  // archiving happens once

  report = store.sync(film);
  EXPECT_EQ(report.restored, Ids{"roof_01"});
  EXPECT_FALSE(store.shot("roof_01")->archived);
  EXPECT_EQ(store.load_film(), film);
  EXPECT_EQ(store.shot_history("roof_01").back().reason, "restored");
}

TEST(ProjectStore, RemovedSceneIsArchivedAndRestored) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  auto film = sample_film();
  store.sync(film);
  auto one_scene = film;
  one_scene.scenes.pop_back();
  auto report = store.sync(one_scene);
  EXPECT_EQ(report.archived, (Ids{"roof_01", "roof_02"}));
  EXPECT_EQ(store.load_film(), one_scene);
  store.sync(film);
  EXPECT_EQ(store.load_film(), film);
}

TEST(ProjectStore, RevisionsAreCreatedOnlyWhenABlockChanges) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  auto film = sample_film();
  store.sync(film);
  store.sync(film);
  EXPECT_EQ(store.style_revisions().size(), 1u);
  EXPECT_EQ(store.negative_revisions().size(), 1u);

  film.style.text = "Hand-painted 2D animation with visible brushstrokes.";
  auto report = store.sync(film);
  EXPECT_TRUE(report.new_style_revision);
  EXPECT_FALSE(report.new_negative_revision);
  EXPECT_FALSE(report.film_settings_changed);
  EXPECT_EQ(report.style_revision_id, 2);
  EXPECT_EQ(store.current_style_revision().id, 2);
  EXPECT_EQ(store.current_style_revision().text, film.style.text);
  EXPECT_EQ(store.style_revision(1)->text, sample_film().style.text);

  film.negative.quality.push_back("oversharpened");
  report = store.sync(film);
  EXPECT_FALSE(report.new_style_revision);
  EXPECT_TRUE(report.new_negative_revision);
  EXPECT_EQ(store.current_negative_revision().id, 2);
  EXPECT_EQ(store.current_negative_revision().block, film.negative);
  EXPECT_EQ(store.negative_revision(1)->block, sample_film().negative);
  EXPECT_EQ(store.style_revisions().size(), 2u);
  EXPECT_EQ(store.negative_revisions().size(), 2u);
  EXPECT_FALSE(store.negative_revision(3).has_value());
}

TEST(ProjectStore, ReorderingShotsMovesThemWithoutHistory) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  auto film = sample_film();
  store.sync(film);
  std::swap(film.scenes[1].shots[0], film.scenes[1].shots[1]);
  auto report = store.sync(film);
  EXPECT_EQ(report.moved, (Ids{"roof_02", "roof_01"}));
  EXPECT_TRUE(report.updated.empty());
  EXPECT_TRUE(store.shot_history("roof_01").empty());
  EXPECT_EQ(store.load_film(), film);
}

TEST(ProjectStore, MovingAShotToAnotherSceneIsAnEdit) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  auto film = sample_film();
  store.sync(film);
  film.scenes[0].shots.push_back(film.scenes[1].shots.front());
  film.scenes[1].shots.erase(film.scenes[1].shots.begin());
  auto report = store.sync(film);
  EXPECT_EQ(report.updated, Ids{"roof_01"});
  EXPECT_EQ(store.shot("roof_01")->scene_id, "harbor");
  EXPECT_EQ(store.shot_history("roof_01").front().before.scene_id, "rooftops");
  EXPECT_EQ(store.load_film(), film);
}

TEST(ProjectStore, FilmSettingsChangesAreStored) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  auto film = sample_film();
  store.sync(film);
  film.info.fps = 24;
  film.look.get(film::LookField::Palette).reset();
  film.scenes[0].look.get(film::LookField::Mood) = "quiet";
  film.references[0].ignore.push_back("texture");
  film.routing.fallback = {"turbo"};
  film.render.steps.reset();
  auto report = store.sync(film);
  EXPECT_TRUE(report.film_settings_changed);
  EXPECT_FALSE(report.new_style_revision);
  EXPECT_EQ(store.load_film(), film);
  film.render.layout_guide = 0.4;  // export and sync keep it: `shotgen export` gives it back
  report = store.sync(film);
  EXPECT_TRUE(report.film_settings_changed);
  EXPECT_FALSE(report.new_style_revision);
  EXPECT_EQ(store.load_film(), film);
  film.references.clear();
  store.sync(film);
  EXPECT_EQ(store.load_film(), film);
}

TEST(ProjectStore, DuplicateShotIdsAreRefusedBeforeWriting) {
  auto db = Database::open_in_memory();
  migrate(db);
  auto film = sample_film();
  film.scenes[1].shots.push_back(sample_shot("harbor_01", "again"));
  EXPECT_THROW(ProjectStore(db).sync(film), Error);
  EXPECT_FALSE(ProjectStore(db).has_film());
}

TEST(ProjectStore, ValuesTheSchemaChecksAreRefusedWithTheirOwnMessage) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  store.sync(sample_film());
  const auto changes = db.total_changes();
  auto film = sample_film();
  film.scenes[0].shots[0].duration = -2.0;
  try {
    store.sync(film);
    FAIL() << "a negative duration was stored";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "out-of-range");
    EXPECT_EQ(e.problem().where, "shot 'harbor_01'");
    EXPECT_EQ(e.problem().what, "duration is -2 seconds");
    EXPECT_EQ(std::string(e.what()).find("CHECK"), std::string::npos) << e.what();
  }
  film = sample_film();
  film.scenes[1].shots[0].transition_seconds = -1;
  EXPECT_THROW(store.sync(film), Error);
  EXPECT_EQ(db.total_changes(), changes);
}

TEST(ProjectStore, ReferenceLibraryIsStored) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  auto film = sample_film();
  film.info.reference_library = "/srv/refs";
  store.sync(film);
  EXPECT_EQ(store.load_film().info.reference_library, "/srv/refs");
  film.info.reference_library.clear();
  EXPECT_TRUE(store.sync(film).film_settings_changed);
  EXPECT_EQ(store.load_film(), film);
}

TEST(ProjectStore, FailedSyncLeavesTheDatabaseByteForByteAsItWas) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  const auto film = sample_film();
  sync_file(path, film);
  const auto before = read_file(path);

  // Many changes, and the last shot breaks a CHECK (takes >= 1): refused as a whole.
  auto broken = film;
  broken.style.text = "a new style";
  broken.negative.extra.push_back("noise");
  broken.info.title = "Renamed";
  broken.scenes[0].shots[0].action = "edited";
  broken.scenes[0].shots.erase(broken.scenes[0].shots.begin() + 1);
  broken.scenes[1].shots.push_back(sample_shot("roof_03", "new shot"));
  broken.scenes[1].shots.push_back(sample_shot("roof_04", "broken shot"));
  broken.scenes[1].shots.back().takes = 0;
  try {
    sync_file(path, broken);
    FAIL() << "a shot with zero takes was stored";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().where, "shot 'roof_04'");
    EXPECT_NE(e.problem().what.find("takes"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path.string() + "-wal"));
  EXPECT_EQ(read_file(path), before);
  auto db = open_project_database(path);
  EXPECT_EQ(ProjectStore(db).load_film(), film);
}

TEST(ProjectStore, ImportExportImportGivesIdenticalDatabaseContent) {
  auto a = Database::open_in_memory();
  migrate(a);
  ProjectStore store_a(a);
  store_a.sync(sample_film());

  const std::string toml = film::write_film_toml(store_a.load_film());
  const auto reimported = film::load_film_string(toml, "export.toml");
  auto b = Database::open_in_memory();
  migrate(b);
  ProjectStore(b).sync(reimported);
  EXPECT_EQ(content_of(a), content_of(b)) << toml;

  const auto changes = a.total_changes();
  EXPECT_FALSE(store_a.sync(reimported).changed());
  EXPECT_EQ(a.total_changes(), changes);
}

TEST(ProjectStore, TakesAreStoredWithEveryField) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  store.sync(sample_film());
  TakeRecord take;
  take.shot_id = "harbor_01";
  take.take_index = 2;
  take.positive = "positive";
  take.negative = "negative";
  take.style_revision_id = 1;
  take.negative_revision_id = 1;
  take.seed = UINT64_MAX;
  take.backend = "turbo";
  take.model = "shotgen-default-v1";
  take.params_json = R"({"steps":4})";
  take.prompt_hash = "0123abcd";
  take.status = TakeStatus::Rejected;
  take.mp4_path = "renders/harbor_01/take_2.mp4";
  take.poster_path = "renders/harbor_01/take_2.png";
  take.frames_dir = "renders/harbor_01/take_2";
  take.timings_json = R"({"total_s":1.5})";
  take.approved = true;
  take.reroute_reason = "palette negative did not bite";
  take.created_at = "2025-01-31T12:00:00.000000Z";
  take.id = store.insert_take(take);
  EXPECT_GT(take.id, 0);
  auto stored = store.takes();
  ASSERT_EQ(stored.size(), 1u);
  const auto& got = stored[0];
  EXPECT_EQ(got.id, take.id);
  EXPECT_EQ(got.seed, UINT64_MAX);
  EXPECT_EQ(got.status, TakeStatus::Rejected);
  EXPECT_EQ(got.job_id, std::nullopt);
  EXPECT_EQ(got.reroute_reason, take.reroute_reason);
  EXPECT_EQ(got.created_at, take.created_at);
  EXPECT_EQ(got.params_json, take.params_json);
  EXPECT_TRUE(got.approved);
  EXPECT_TRUE(store.takes("harbor_02").empty());

  // At most one approved take per shot; an unknown shot is a foreign-key error.
  EXPECT_THROW(store.insert_take(take), Error);
  take.approved = false;
  take.shot_id = "no_such_shot";
  EXPECT_THROW(store.insert_take(take), Error);
  EXPECT_EQ(store.takes().size(), 1u);
}

TEST(ProjectStore, TakeNumbersAreUniquePerShot) {
  auto db = Database::open_in_memory();
  migrate(db);
  ProjectStore store(db);
  store.sync(sample_film());
  TakeRecord take;
  take.shot_id = "harbor_01";
  take.backend = "final";
  take.status = TakeStatus::Rejected;
  store.insert_take(take);  // take slot 0 on `final`, rejected ...
  take.backend = "turbo";
  take.status = TakeStatus::Done;
  store.insert_take(take);  // ... and the same slot re-routed to `turbo`: a new number
  take.shot_id = "harbor_02";
  store.insert_take(take);
  const auto takes = store.takes("harbor_01");
  ASSERT_EQ(takes.size(), 2u);
  EXPECT_EQ(takes[0].take_number, 1);
  EXPECT_EQ(takes[1].take_number, 2);
  EXPECT_EQ(store.takes("harbor_02").front().take_number, 1);
  EXPECT_EQ(store.last_take_number("harbor_01"), 2);
  take.shot_id = "harbor_01";
  take.take_number = 2;
  EXPECT_THROW(store.insert_take(take), Error) << "a number is never used twice in a shot";
}

}  // namespace
}  // namespace shotgen::db
