// shotgen sync / export / audit as a user runs them, including every bad-database path.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace shotgen::testing {
namespace {
namespace fs = std::filesystem;

// Opens `db_path` with the plain C API and runs `sql`, as another program would.
void run_sql(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

int line_count(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

class CliDb : public ::testing::Test {
 protected:
  fs::path workspace() const { return ws_; }
  fs::path database() const { return ws_ / "shotgen.db"; }
  CommandResult shotgen(std::vector<std::string> args) const {
    args.insert(args.begin(), {"-C", ws_.string()});
    return run_shotgen(args);
  }
  // Every file of the workspace with its bytes, to show that a failed command changed nothing.
  std::map<std::string, std::string> snapshot() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(ws_))
      if (entry.is_regular_file()) files[entry.path().string()] = read_text(entry.path());
    return files;
  }
  // Runs `args` and expects the one-line error naming the database, exit 2, nothing changed.
  void expect_refused(const std::vector<std::string>& args, const std::string& message) {
    const auto before = snapshot();
    auto result = shotgen(args);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.err;
    EXPECT_EQ(line_count(result.err), 1) << result.err;
    EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("shotgen.db"), std::string::npos) << result.err;
    EXPECT_EQ(snapshot(), before) << args[0] << " changed the workspace";
  }

  // Replaces the first `from` in film.toml with `to`.
  void edit_film(const std::string& from, const std::string& to) const {
    auto toml = read_text(ws_ / "film.toml");
    const auto at = toml.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    toml.replace(at, from.size(), to);
    write_text(ws_ / "film.toml", toml);
  }
  // Runs `args` and expects one error line containing `message`, exit 2 and no change on disk.
  CommandResult expect_bad_input(const std::vector<std::string>& args, const std::string& message) {
    const auto before = snapshot();
    auto result = shotgen(args);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.out << result.err;
    EXPECT_EQ(line_count(result.err), 1) << result.err;
    EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
    EXPECT_EQ(snapshot(), before) << args[0] << " changed the workspace";
    return result;
  }

  TempDir dir_;
  fs::path ws_ = copy_project("arcane_short", dir_.path());
};

TEST_F(CliDb, SyncImportsTheFilmAndSecondSyncChangesNothing) {
  auto first = shotgen({"sync"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("synced 'The Lantern Keeper': 9 added, 0 updated, 0 archived, 0 unchanged; style revision 1 (new)"),
            std::string::npos)
      << first.out;
  ASSERT_TRUE(fs::exists(database()));
  auto second = shotgen({"sync"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("0 added, 0 updated, 0 archived, 9 unchanged; style revision 1,"), std::string::npos)
      << second.out;
  EXPECT_NE(second.out.find("nothing changed"), std::string::npos);
}

TEST_F(CliDb, SyncReportsAnEditedShot) {
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  auto toml = read_text(workspace() / "film.toml");
  const std::string old_action = "walks along the harbor wall";
  auto at = toml.find(old_action);
  ASSERT_NE(at, std::string::npos);
  toml.replace(at, old_action.size(), "runs along the harbor wall");
  write_text(workspace() / "film.toml", toml);
  auto result = shotgen({"sync"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("0 added, 1 updated, 0 archived, 8 unchanged"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  updated harbor_01"), std::string::npos) << result.out;
}

TEST_F(CliDb, ExportWritesTomlThatSyncsBackWithoutChanges) {
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  auto to_stdout = shotgen({"export"});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_NE(to_stdout.out.find("title = \"The Lantern Keeper\""), std::string::npos);

  auto exported = dir_.path() / "exported.toml";
  auto to_file = shotgen({"export", "-o", exported.string()});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_EQ(read_text(exported), to_stdout.out);

  fs::copy_file(exported, workspace() / "film.toml", fs::copy_options::overwrite_existing);
  auto resync = shotgen({"sync"});
  ASSERT_EQ(resync.exit_code, 0) << resync.err;
  EXPECT_NE(resync.out.find("nothing changed"), std::string::npos) << resync.out;
}

TEST_F(CliDb, ExportWithoutDatabaseIsAnErrorAndCreatesNothing) {
  expect_refused({"export"}, "no project database");
  EXPECT_FALSE(fs::exists(database()));
}

TEST_F(CliDb, AuditOfAProjectWithoutRendersIsClean) {
  auto never_synced = shotgen({"audit"});
  EXPECT_EQ(never_synced.exit_code, 0) << never_synced.err;
  EXPECT_NE(never_synced.out.find("audited 0 renders"), std::string::npos) << never_synced.out;
  EXPECT_FALSE(fs::exists(database()));  // a reader does not create the database

  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  auto json = shotgen({"audit", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["total"], 0);
  EXPECT_TRUE(report["offending"].empty());
}

TEST_F(CliDb, AuditExitsOneWhenARenderLackedTheStyleBlock) {
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  // One compliant render (the style block first, every negative term) and one whose prompt never
  // had the style block, inserted directly as the render pipeline would.
  run_sql(database(),
          "INSERT INTO takes(shot_id, take_index, positive, negative, style_revision_id, negative_revision_id, seed, "
          "backend, model, params_json, prompt_hash, status, mp4_path, poster_path, frames_dir, timings_json, "
          "reroute_reason, created_at) "
          "SELECT 'harbor_01', 0, s.text || ' a lamplighter', "
          "  (SELECT group_concat(value, ', ') FROM (SELECT value FROM json_each(n.format_json) UNION ALL "
          "   SELECT value FROM json_each(n.anatomy_json) UNION ALL SELECT value FROM json_each(n.quality_json) "
          "   UNION ALL SELECT value FROM json_each(n.extra_json))), "
          "  s.id, n.id, 5, 'final', 'm', '{}', 'h', 'done', '', '', '', '{}', '', '2999-01-01T00:00:00.000000Z' "
          "FROM style_revisions s, negative_revisions n;"
          "INSERT INTO takes(shot_id, take_index, positive, negative, style_revision_id, negative_revision_id, seed, "
          "backend, model, params_json, prompt_hash, status, mp4_path, poster_path, frames_dir, timings_json, "
          "reroute_reason, created_at) SELECT shot_id, 1, 'a lamplighter', negative, style_revision_id, "
          "negative_revision_id, 6, backend, model, params_json, prompt_hash, status, '', '', '', '{}', '', "
          "created_at FROM takes;");
  auto text = shotgen({"audit"});
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_NE(text.out.find("audited 2 renders: 1 ok, 1 missing the style block"), std::string::npos) << text.out;
  auto json = shotgen({"audit", "--json"});
  EXPECT_EQ(json.exit_code, 1);
  auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["total"], 2);
  EXPECT_EQ(report["ok"], 1);
  EXPECT_EQ(report["missing_style"], 1);
  EXPECT_EQ(report["missing_negative"], 0);
  ASSERT_EQ(report["offending"].size(), 1u);
  EXPECT_EQ(report["offending"][0]["shot"], "harbor_01");
  EXPECT_EQ(report["offending"][0]["take"], 1);
}

TEST_F(CliDb, FileThatIsNotADatabaseIsRefusedByEveryCommand) {
  write_text(database(), "my shot list, not a database\n");
  for (const char* command : {"sync", "export", "audit"}) expect_refused({command}, "not a SQLite database");
  EXPECT_FALSE(fs::exists(database().string() + "-wal"));
}

TEST_F(CliDb, DatabaseFromANewerShotgenIsRefusedByEveryCommand) {
  run_sql(database(), "CREATE TABLE from_the_future(x); PRAGMA user_version = 999;");
  for (const char* command : {"sync", "export", "audit"})
    expect_refused({command}, "database was written by a newer shotgen (schema 999");
  EXPECT_FALSE(fs::exists(database().string() + "-wal"));
}

TEST_F(CliDb, SyncWithoutFilmTomlIsAnErrorAndCreatesNoDatabase) {
  fs::remove(workspace() / "film.toml");
  auto result = shotgen({"sync"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("film.toml"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(database()));
}

TEST_F(CliDb, SyncOfMalformedTomlLeavesTheDatabaseUntouched) {
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  write_text(workspace() / "film.toml", read_text(workspace() / "film.toml") + "\n[[scenes]\nbroken");
  const auto before = read_text(database());
  auto result = shotgen({"sync"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_EQ(read_text(database()), before);
}

TEST_F(CliDb, SyncRefusesWhatLintRejects) {
  edit_film("walks along the harbor wall", "walks along the photorealistic harbor wall");
  auto lint = shotgen({"lint"});
  ASSERT_EQ(lint.exit_code, 2) << lint.out;
  auto refused = expect_bad_input({"sync"}, "'photorealistic' is in the negative prompt and asked for in action");
  EXPECT_NE(refused.err.find("film.toml:"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(database()));

  // With a database: it stays as it was.
  edit_film("walks along the photorealistic harbor wall", "walks along the harbor wall");
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  edit_film("walks along the harbor wall", "walks along the photorealistic harbor wall");
  expect_bad_input({"sync"}, "asked for in action");
}

TEST_F(CliDb, RenderThatFailsOnItsStyleBlockWritesNoRevision) {
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  const std::string style = read_text(workspace() / "film.toml").substr(read_text(workspace() / "film.toml").find("block = \""));
  const std::string style_line = style.substr(0, style.find('\n'));
  edit_film(style_line, "block = \"\"");
  auto empty = expect_bad_input({"render", "--all"}, "the film has no style block");
  EXPECT_NE(empty.err.find("[style] block = "), std::string::npos) << empty.err;  // the real key

  std::string huge;
  while (huge.size() < (1u << 20)) huge += "painted ";
  edit_film("block = \"\"", "block = \"" + huge + "\"");
  auto too_long = expect_bad_input({"render", "--all"}, "the style block (131072 words) alone exceeds the prompt limit");
  EXPECT_LT(too_long.err.size(), 400u);
  auto exported = shotgen({"export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find(style_line), std::string::npos) << "the stored style block changed";
}

TEST_F(CliDb, NegativeDurationIsALoaderErrorNotASqliteOne) {
  edit_film("duration = 2.0", "duration = -2.0");
  auto result = expect_bad_input({"sync"}, "duration' must be greater than 0 and at most 600, got -2");
  EXPECT_EQ(result.err.find("CHECK"), std::string::npos) << result.err;
  // The position of the edited value in the copied film.toml: line of "duration = -2.0", column 12.
  const std::string text = read_text(ws_ / "film.toml");
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find("duration = -2.0")), '\n');
  EXPECT_NE(result.err.find("film.toml:" + std::to_string(line) + ":12"), std::string::npos) << result.err;
  edit_film("duration = -2.0", "duration = 1e9");
  expect_bad_input({"sync"}, "got 1000000000");
}

TEST_F(CliDb, DatabaseThatIsAFolderIsRefusedByEveryCommand) {
  fs::create_directory(database());
  for (const char* command : {"sync", "export", "audit", "queue"})
    expect_refused({command}, "the database path is a folder, not a database file");
}

TEST_F(CliDb, QueueStateFilterIsChecked) {
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  auto result = expect_bad_input({"queue", "--state", "bogus"}, "--state: unknown job state 'bogus'");
  EXPECT_EQ(result.err.find("modified by hand"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("queued, running, done, failed, cancelled"), std::string::npos) << result.err;
  EXPECT_NE(expect_bad_input({"queue", "--state", "faild"}, "did you mean 'failed'?").exit_code, 0);
  EXPECT_EQ(shotgen({"queue", "--state", "failed"}).exit_code, 0);
}

TEST_F(CliDb, CountsAndSeedsOutOfRangeAreOneLineErrors) {
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  const std::string huge = "1" + std::string(300, '0');
  for (const auto& args : std::vector<std::vector<std::string>>{{"take", "approve", "harbor_01", "0"},
                                                                {"take", "approve", "harbor_01", huge},
                                                                {"render", "--all", "--takes", "0"},
                                                                {"render", "--all", "--takes", huge}}) {
    auto result = expect_bad_input(args, "must be from 1 to 1000, got ");
    EXPECT_LT(result.err.size(), 400u + (args.back() == huge ? huge.size() : 0)) << result.err;
  }
  for (const char* seed : {"-1", "18446744073709551615", "9223372036854775808", "12abc"})
    expect_bad_input({"render", "--all", "--seed", seed}, "--seed: seeds are whole numbers from 0 to 9223372036854775807");
}

TEST_F(CliDb, QueueKeepsAJobsLongErrorToOneLine) {
  ASSERT_EQ(shotgen({"sync"}).exit_code, 0);
  run_sql(database(),
          "INSERT INTO jobs(id, shot_id, take_index, backend, params_json, seed, prompt_hash, state, attempts, error, "
          "created_at, updated_at) VALUES ('abc123', 'harbor_01', 0, 'final', '{}', 1, 'h', 'failed', 3, "
          "'libtorch failed:' || replace(hex(zeroblob(3000)), '00', ' frame at 0x7f\n'), "
          "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')");
  auto result = shotgen({"queue"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(line_count(result.out), 2) << result.out;  // the header and the job
  EXPECT_LT(result.out.size(), 400u) << result.out;
  EXPECT_NE(result.out.find("more bytes; `shotgen queue --json` shows all)"), std::string::npos) << result.out;
  auto json = shotgen({"queue", "--json"});
  EXPECT_GT(nlohmann::json::parse(json.out)[0]["error"].get<std::string>().size(), 6000u);
}

}  // namespace
}  // namespace shotgen::testing
