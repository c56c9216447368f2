#include "db/migrations.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "support/test_support.h"

namespace shotgen::db {
namespace {
namespace fs = std::filesystem;
using shotgen::testing::TempDir;

std::set<std::string> table_names(const Database& db) {
  std::set<std::string> names;
  auto stmt = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  while (stmt.step()) names.insert(stmt.text(0));
  return names;
}

// A database written by "a newer shotgen": made with the plain C API, as another program would.
void make_database_with_version(const fs::path& path, int version, bool wal = false) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  const std::string sql = std::string(wal ? "PRAGMA journal_mode = WAL;" : "") +
                          "CREATE TABLE future(x); PRAGMA user_version = " + std::to_string(version) + ";";
  ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
}

TEST(Migrations, AreNumberedFromOneWithoutGaps) {
  auto all = migrations();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
    EXPECT_FALSE(all[i].name.empty());
    EXPECT_FALSE(all[i].sql.empty());
  }
  EXPECT_EQ(latest_schema_version(), static_cast<int>(all.size()));
  EXPECT_EQ(all[0].name, "initial");
}

TEST(Migrations, EmbeddedSqlMatchesTheSchemaFiles) {
  // The build regenerates the embedded copy whenever a schemas/*.sql file changes.
  for (const auto& migration : migrations()) {
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%03d_", migration.version);
    auto path = shotgen::testing::source_dir() / "schemas" / (prefix + std::string(migration.name) + ".sql");
    EXPECT_EQ(read_file(path), migration.sql) << path;
  }
}

TEST(Migrations, FreshDatabaseGetsEveryTableAndTheLatestVersion) {
  auto db = Database::open_in_memory();
  EXPECT_EQ(db.user_version(), 0);
  migrate(db);
  EXPECT_EQ(db.user_version(), latest_schema_version());
  auto tables = table_names(db);
  for (const char* expected : {"film", "look_values", "style_revisions", "negative_revisions", "film_references",
                               "scenes", "shots", "shot_revisions", "takes", "jobs"})
    EXPECT_TRUE(tables.count(expected)) << expected;
}

TEST(Migrations, AppliedMigrationsAreSkipped) {
  auto db = Database::open_in_memory();
  // Apply the first migration by hand, as an older shotgen would have.
  db.exec(migrations()[0].sql);
  db.exec("PRAGMA user_version = 1");
  migrate(db);  // re-running 001 would fail with "table already exists"
  EXPECT_EQ(db.user_version(), latest_schema_version());
  const auto changes = db.total_changes();
  migrate(db);
  EXPECT_EQ(db.total_changes(), changes);
}

TEST(Migrations, TakesOfAnOlderDatabaseAreNumberedInRecordingOrder) {
  auto db = Database::open_in_memory();
  db.exec(migrations()[0].sql);
  db.exec(migrations()[1].sql);
  db.exec("PRAGMA user_version = 2");
  const std::string now = "2025-01-31T12:00:00.000000Z";
  db.exec("INSERT INTO style_revisions(text, created_at) VALUES ('s', '" + now + "');"
          "INSERT INTO scenes(id, position, title, negative_json, created_at, updated_at) "
          "VALUES ('sc', 0, '', '[]', '" + now + "', '" + now + "');");
  for (const char* shot : {"a", "b"})
    db.exec(std::string("INSERT INTO shots(id, scene_id, position, action, negative_json, references_json, "
                        "tags_json, route, takes, transition, transition_seconds, created_at, updated_at) "
                        "VALUES ('") + shot + "', 'sc', 0, '', '[]', '[]', '[]', '', 1, 'cut', 0, '" + now + "', '" +
            now + "')");
  // A re-routed shot `a` before version 3: two records of take slot 0.
  for (const char* shot : {"a", "b", "a"})
    db.exec(std::string("INSERT INTO takes(shot_id, take_index, positive, negative, seed, backend, model, "
                        "params_json, prompt_hash, status, mp4_path, poster_path, frames_dir, timings_json, "
                        "reroute_reason, created_at) VALUES ('") + shot +
            "', 0, '', '', 0, 'final', 'm', '{}', '', 'done', '', '', '', '{}', '', '" + now + "')");
  migrate(db);
  auto numbers = db.prepare("SELECT shot_id, take_number FROM takes ORDER BY id");
  std::vector<std::pair<std::string, int>> got;
  while (numbers.step()) got.emplace_back(numbers.text(0), numbers.integer(1));
  EXPECT_EQ(got, (std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 1}, {"a", 2}}));
}

TEST(Migrations, OpenProjectDatabaseCreatesAndMigrates) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  {
    auto db = open_project_database(path);
    EXPECT_EQ(db.user_version(), latest_schema_version());
  }
  EXPECT_TRUE(fs::exists(path));
  auto db = open_project_database(path);
  EXPECT_EQ(db.user_version(), latest_schema_version());
}

class NewerDatabase : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(JournalModes, NewerDatabase, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Wal" : "Rollback"; });

TEST_P(NewerDatabase, IsRefusedAndNeverModified) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  make_database_with_version(path, 999, GetParam());
  const auto before = read_file(path);
  try {
    open_project_database(path);
    FAIL() << "opened a database from a newer shotgen";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().what, "database was written by a newer shotgen (schema 999, this build knows " +
                                    std::to_string(latest_schema_version()) + ")");
    EXPECT_EQ(e.problem().where, path.string());
    EXPECT_EQ(e.problem().fix, "upgrade shotgen");
  }
  EXPECT_EQ(read_file(path), before);
  EXPECT_FALSE(fs::exists(path.string() + "-wal"));
  EXPECT_FALSE(fs::exists(path.string() + "-shm"));
}

TEST(Migrations, MigrateRefusesANewerDatabase) {
  auto db = Database::open_in_memory();
  db.exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1));
  EXPECT_THROW(migrate(db), Error);
  EXPECT_TRUE(table_names(db).empty());
}

TEST(Migrations, NotADatabaseIsRefusedByOpenProjectDatabase) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  shotgen::testing::write_text(path, "{\"json\": true}\n");
  EXPECT_THROW(open_project_database(path), Error);
  EXPECT_EQ(read_file(path), "{\"json\": true}\n");
}

}  // namespace
}  // namespace shotgen::db
