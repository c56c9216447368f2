// A full disk in the middle of `shotgen render` and `assemble`: the workspace lives on a small tmpfs
// mounted in a private user and mount namespace (`unshare -rm`, so neither root nor a real disk is
// needed and nothing outside the test sees the mount), filled until only a few KiB are left. Each
// level of free space runs out in a different writer (the database, a take's MP4, its poster, the
// film). Whatever the writer, the command must fail with the one error that says the disk is full,
// leave no half-written file, no take the database claims but the disk lacks, and every earlier
// take byte for byte; once space is freed, the same render finishes and every take decodes.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "media/video_reader.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;
using shotgen::testing::read_text;
using shotgen::testing::run_in_mount_namespace;

// Runs in the namespace: mount, copy the workspace in (stages other than "render": render it and
// keep a copy in $OUT/before), leave `free_kib` KiB, run the stage's command; copy the workspace as
// the failed command left it to $OUT/after_full; free the space, run the render again, audit and
// assemble; copy the result to $OUT/after_rerun. Exit codes go to files; the script itself fails
// only when the namespace could not be set up (exit 90) or the setup render failed (91).
const char* const kScript = R"(
set -u
MNT="$1"; SRC="$2"; OUT="$3"; SHOTGEN="$4"; MODEL="$5"; FREE_KIB="$6"; STAGE="$7"; TAKES="$8"
mount -t tmpfs -o size=2m tmpfs "$MNT" || exit 90
cp -a "$SRC/." "$MNT/"
if [ "$STAGE" != render ]; then
  "$SHOTGEN" -C "$MNT" render --all --model "$MODEL" > "$OUT/setup.out" 2>&1 || exit 91
  mkdir -p "$OUT/before" && cp -a "$MNT/." "$OUT/before/"
fi
avail=$(df -k --output=avail "$MNT" | tail -n 1)
if [ "$avail" -gt "$FREE_KIB" ]; then
  head -c $(( (avail - FREE_KIB) * 1024 )) /dev/zero > "$MNT/filler" 2>/dev/null
fi
if [ "$STAGE" = assemble ]; then
  "$SHOTGEN" -C "$MNT" assemble > "$OUT/first.out" 2> "$OUT/first.err"; echo $? > "$OUT/first.rc"
else
  "$SHOTGEN" -C "$MNT" render --all --takes "$TAKES" --model "$MODEL" > "$OUT/first.out" 2> "$OUT/first.err"
  echo $? > "$OUT/first.rc"
fi
rm -f "$MNT/filler"
mkdir -p "$OUT/after_full" && cp -a "$MNT/." "$OUT/after_full/"
"$SHOTGEN" -C "$MNT" render --all --takes "$TAKES" --model "$MODEL" > "$OUT/second.out" 2> "$OUT/second.err"
echo $? > "$OUT/second.rc"
"$SHOTGEN" -C "$MNT" audit > "$OUT/audit.out" 2>&1; echo $? > "$OUT/audit.rc"
"$SHOTGEN" -C "$MNT" assemble > "$OUT/assemble.out" 2>&1; echo $? > "$OUT/assemble.rc"
mkdir -p "$OUT/after_rerun" && cp -a "$MNT/." "$OUT/after_rerun/"
)";

int exit_code_in(const fs::path& file) { return std::stoi(read_text(file)); }

// One row per take the database records: its files, relative to the workspace.
struct TakeRow {
  std::string status, mp4, poster;
};

// A database the full disk stopped before its schema was written has no takes table: no takes.
std::vector<TakeRow> takes_in(const fs::path& database, std::string& integrity) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::vector<TakeRow> rows;
  auto text = [](sqlite3_stmt* statement, int column) {
    const unsigned char* value = sqlite3_column_text(statement, column);
    return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
  };
  sqlite3_stmt* check = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr);
  if (sqlite3_step(check) == SQLITE_ROW) integrity = text(check, 0);
  sqlite3_finalize(check);
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT status, mp4_path, poster_path FROM takes", -1, &statement, nullptr) != SQLITE_OK) {
    EXPECT_NE(std::string(sqlite3_errmsg(db)).find("no such table"), std::string::npos) << sqlite3_errmsg(db);
    sqlite3_close(db);
    return {};
  }
  while (sqlite3_step(statement) == SQLITE_ROW) rows.push_back({text(statement, 0), text(statement, 1), text(statement, 2)});
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

struct FullDiskCase {
  // What meets the full disk: "render" (a fresh workspace's first render), "more_takes" (a second
  // take of every shot, after a first render) or "assemble" (the film, after a render).
  std::string stage;
  int free_kib = 0;  // free space left before it runs
  int takes() const { return stage == "more_takes" ? 2 : 1; }
};

class FullDisk : public ::testing::TestWithParam<FullDiskCase> {};

TEST_P(FullDisk, FailsWithOneClearErrorLosesNothingAndARerunFinishes) {
  const FullDiskCase& param = GetParam();
  TempDir dir;
  FilmSpec spec;
  spec.shots = {{"s1_01"}, {"s1_02"}, {"s2_01", "s2"}};
  const fs::path source = make_workspace(dir.path() / "ws", spec);
  const fs::path mount_point = dir.path() / "mnt", out = dir.path() / "out";
  fs::create_directories(mount_point);
  fs::create_directories(out);
  const auto run = run_in_mount_namespace(kScript, {mount_point.string(), source.string(), out.string(), SHOTGEN_BINARY,
                                                    tiny_model_dir().string(), std::to_string(param.free_kib),
                                                    param.stage, std::to_string(param.takes())});
  if (!run) GTEST_SKIP() << "unshare -rm is not permitted here (no user namespaces)";
  ASSERT_EQ(run->exit_code, 0) << run->err << (fs::exists(out / "setup.out") ? read_text(out / "setup.out") : "");

  // The first render ran out of space: one error naming the full disk, a non-zero exit.
  const std::string first_err = read_text(out / "first.err");
  EXPECT_NE(exit_code_in(out / "first.rc"), 0) << read_text(out / "first.out");
  EXPECT_NE(first_err.find("disk is full"), std::string::npos) << first_err;

  // What it left: no temporary file, a sound database, and every take it records on disk.
  const fs::path after_full = out / "after_full";
  EXPECT_EQ(temp_files_under(after_full), std::vector<fs::path>{});
  std::string integrity = "ok";  // no database at all (the disk was full before it was made) is sound
  if (fs::exists(after_full / "shotgen.db")) {
    for (const TakeRow& take : takes_in(after_full / "shotgen.db", integrity)) {
      if (take.status != "done") continue;
      EXPECT_TRUE(fs::exists(after_full / take.mp4)) << take.mp4;
      EXPECT_TRUE(fs::exists(after_full / take.poster)) << take.poster;
    }
  }
  EXPECT_EQ(integrity, "ok");
  if (param.stage == "assemble") EXPECT_FALSE(fs::exists(after_full / "renders" / "test_reel.mp4"));
  // What was there before is there still, byte for byte.
  if (fs::exists(out / "before"))
    for (const auto& entry : fs::recursive_directory_iterator(out / "before" / "renders")) {
      if (!entry.is_regular_file()) continue;
      const fs::path kept = after_full / fs::relative(entry.path(), out / "before");
      ASSERT_TRUE(fs::exists(kept)) << kept << " was removed";
      EXPECT_EQ(read_text(kept), read_text(entry.path())) << kept << " changed";
    }

  // With space again, the same command finishes the film.
  const fs::path after_rerun = out / "after_rerun";
  EXPECT_EQ(exit_code_in(out / "second.rc"), 0) << read_text(out / "second.out") << read_text(out / "second.err");
  EXPECT_EQ(exit_code_in(out / "audit.rc"), 0) << read_text(out / "audit.out");
  EXPECT_EQ(exit_code_in(out / "assemble.rc"), 0) << read_text(out / "assemble.out");
  EXPECT_EQ(temp_files_under(after_rerun), std::vector<fs::path>{});
  const std::vector<TakeRow> takes = takes_in(after_rerun / "shotgen.db", integrity);
  EXPECT_EQ(integrity, "ok");
  int done = 0;
  for (const TakeRow& take : takes) {
    if (take.status != "done") continue;
    ++done;
    EXPECT_EQ(media::probe_video(after_rerun / take.mp4).frames, 4) << take.mp4;  // 0.5 s at 8 fps
  }
  EXPECT_EQ(done, 3 * param.takes());
  EXPECT_TRUE(fs::exists(after_rerun / "renders" / "test_reel.mp4"));
}

// Free space left: none (the first database write fails), then levels at which the database fits
// but a take, a poster, the record of a take, or the film does not. (Where each level runs out
// depends on the sizes of the schema and the encoder's output; what is checked holds at any level.)
INSTANTIATE_TEST_SUITE_P(
    Levels, FullDisk,
    ::testing::Values(FullDiskCase{"render", 0}, FullDiskCase{"render", 200}, FullDiskCase{"render", 280},
                      FullDiskCase{"render", 320}, FullDiskCase{"render", 400}, FullDiskCase{"more_takes", 0},
                      FullDiskCase{"more_takes", 16}, FullDiskCase{"assemble", 0}, FullDiskCase{"assemble", 8},
                      FullDiskCase{"assemble", 24}),
    [](const ::testing::TestParamInfo<FullDiskCase>& info) {
      return info.param.stage + "_" + std::to_string(info.param.free_kib) + "KiB";
    });

}  // namespace
}  // namespace shotgen::render
