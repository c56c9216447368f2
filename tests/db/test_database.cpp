#include "db/database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cerrno>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "support/test_support.h"

namespace shotgen::db {
namespace {
namespace fs = std::filesystem;
using shotgen::testing::TempDir;
using shotgen::testing::write_text;

std::int64_t count_rows(const Database& db, const std::string& table) {
  auto stmt = db.prepare("SELECT count(*) FROM " + table);
  stmt.step();
  return stmt.int64(0);
}

TEST(Database, OpensWithForeignKeysWalAndBusyTimeout) {
  TempDir dir;
  auto db = Database::open(dir.path() / "x.db");
  auto fk = db.prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk.step());
  EXPECT_EQ(fk.integer(0), 1);
  auto journal = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(journal.step());
  EXPECT_EQ(journal.text(0), "wal");
  auto busy = db.prepare("PRAGMA busy_timeout");
  ASSERT_TRUE(busy.step());
  EXPECT_GT(busy.integer(0), 0);
}

TEST(Database, ForeignKeysAreEnforced) {
  auto db = Database::open_in_memory();
  db.exec("CREATE TABLE parent(id INTEGER PRIMARY KEY); CREATE TABLE child(p INTEGER REFERENCES parent(id))");
  EXPECT_THROW(db.exec("INSERT INTO child VALUES (42)"), Error);
}

TEST(Database, StatementBindsAndReadsEveryType) {
  auto db = Database::open_in_memory();
  db.exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, n TEXT)");
  const std::string with_nul("a\0b", 3);
  db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)")
      .bind_all(std::int64_t{INT64_MIN}, 2.5, with_nul, std::optional<std::string>{})
      .run();
  auto stmt = db.prepare("SELECT i, r, s, n FROM t");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.int64(0), INT64_MIN);
  EXPECT_EQ(stmt.real(1), 2.5);
  EXPECT_EQ(stmt.text(2), with_nul);
  EXPECT_TRUE(stmt.is_null(3));
  EXPECT_EQ(stmt.optional_text(3), std::nullopt);
  EXPECT_EQ(stmt.optional_int64(0), INT64_MIN);
  EXPECT_FALSE(stmt.step());
}

TEST(Database, TransactionRollsBackUnlessCommitted) {
  auto db = Database::open_in_memory();
  db.exec("CREATE TABLE t(x INTEGER)");
  {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
  }
  EXPECT_EQ(count_rows(db, "t"), 0);
  EXPECT_FALSE(db.in_transaction());
  {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    tx.commit();
  }
  EXPECT_EQ(count_rows(db, "t"), 1);
}

TEST(Database, TransactionRollsBackWhenAnExceptionLeavesIt) {
  auto db = Database::open_in_memory();
  db.exec("CREATE TABLE t(x INTEGER CHECK (x > 0))");
  auto fill = [&] {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    db.exec("INSERT INTO t VALUES (-1)");  // violates the CHECK
    tx.commit();
  };
  EXPECT_THROW(fill(), Error);
  EXPECT_EQ(count_rows(db, "t"), 0);
}

TEST(Database, NestedTransactionIsASavepoint) {
  auto db = Database::open_in_memory();
  db.exec("CREATE TABLE t(x INTEGER)");
  Transaction outer(db);
  db.exec("INSERT INTO t VALUES (1)");
  {
    Transaction inner(db);
    db.exec("INSERT INTO t VALUES (2)");
  }  // inner rolled back
  {
    Transaction inner(db);
    db.exec("INSERT INTO t VALUES (3)");
    inner.commit();
  }
  outer.commit();
  auto stmt = db.prepare("SELECT group_concat(x) FROM t");
  stmt.step();
  EXPECT_EQ(stmt.text(0), "1,3");
}

TEST(Database, WriteTransactionTakesTheWriteLockAtBegin) {
  TempDir dir;
  auto first = Database::open(dir.path() / "x.db");
  auto second = Database::open(dir.path() / "x.db");
  sqlite3_busy_timeout(second.handle(), 0);
  Transaction tx(first);  // BEGIN IMMEDIATE: no statement yet, but the lock is held
  try {
    Transaction competing(second);
    FAIL() << "a second writer began while the first held a write transaction";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("another shotgen process"), std::string::npos) << e.what();
  }
}

TEST(Database, FileThatIsNotSqliteIsRefusedAndLeftUntouched) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  const std::string content = "these are my notes, not a database\nline two\n";
  write_text(path, content);
  try {
    Database::open(path);
    FAIL() << "opened a text file as a database";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().what, "not a SQLite database");
    EXPECT_EQ(e.problem().where, path.string());
    EXPECT_NE(e.problem().fix.find("move it away"), std::string::npos);
  }
  EXPECT_EQ(read_file(path), content);
  EXPECT_FALSE(fs::exists(path.string() + "-wal"));
  EXPECT_FALSE(fs::exists(path.string() + "-shm"));
}

TEST(Database, FolderInPlaceOfTheFileIsRefusedAsAFolder) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  fs::create_directory(path);
  for (auto attempt : {+[](const fs::path& p) { Database::open(p); }, +[](const fs::path& p) { read_user_version(p); }}) {
    try {
      attempt(path);
      FAIL() << "a folder was taken for a database";
    } catch (const Error& e) {
      EXPECT_EQ(e.problem().code, "not-a-database");
      EXPECT_EQ(e.problem().what, "the database path is a folder, not a database file");
      EXPECT_EQ(e.problem().where, path.string());
      EXPECT_NE(e.problem().fix.find("move the folder away"), std::string::npos);
    }
  }
  EXPECT_TRUE(fs::is_empty(path));
}

// A VFS that behaves like the default one until `full` is set; then writes to the WAL fail as on
// a full disk: an I/O error whose system error number is ENOSPC (as when the WAL index cannot
// grow, which is how a full disk reached `shotgen render`).
struct FullDiskVfs {
  using WriteFn = int (*)(sqlite3_file*, const void*, int, sqlite3_int64);
  static inline sqlite3_vfs* real = nullptr;
  static inline sqlite3_vfs vfs{};
  static inline sqlite3_io_methods methods{};
  static inline WriteFn real_write = nullptr;
  static inline bool full = false;

  static int write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    return full ? SQLITE_IOERR_WRITE : real_write(file, data, amount, offset);
  }
  static int last_error(sqlite3_vfs* vfs, int size, char* text) {
    return full ? ENOSPC : real->xGetLastError(vfs, size, text);
  }
  static int open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    const int rc = real->xOpen(real, name, file, flags, out_flags);
    if (rc == SQLITE_OK && file->pMethods && (flags & SQLITE_OPEN_WAL)) {
      methods = *file->pMethods;
      real_write = file->pMethods->xWrite;
      methods.xWrite = &FullDiskVfs::write;
      file->pMethods = &methods;
    }
    return rc;
  }
  FullDiskVfs() {
    real = sqlite3_vfs_find(nullptr);
    vfs = *real;
    vfs.zName = "shotgen_test_full_disk";
    vfs.xOpen = &FullDiskVfs::open;
    vfs.xGetLastError = &FullDiskVfs::last_error;
    sqlite3_vfs_register(&vfs, 1);
  }
  ~FullDiskVfs() {
    sqlite3_vfs_unregister(&vfs);
    sqlite3_vfs_register(real, 1);
    full = false;
  }
};

TEST(Database, FullDiskIsNamedWithTheFix) {
  TempDir dir;
  FullDiskVfs vfs;
  auto db = Database::open(dir.path() / "shotgen.db");
  db.exec("CREATE TABLE t(x); PRAGMA cache_size = 2");
  FullDiskVfs::full = true;
  try {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (randomblob(1000000))");  // spills pages to the WAL mid-statement
    FAIL() << "the write succeeded on a full disk";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "disk-full");
    EXPECT_NE(e.problem().what.find("(the disk is full)"), std::string::npos) << e.what();
    EXPECT_NE(e.problem().fix.find("free some disk space"), std::string::npos) << e.what();
  }
}

TEST(Database, FileShorterThanTheHeaderIsRefused) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  write_text(path, "SQLite");
  EXPECT_THROW(Database::open(path, Database::Mode::ReadOnly), Error);
  EXPECT_EQ(read_file(path), "SQLite");
}

TEST(Database, CorruptFileWithAValidHeaderIsAnErrorNamingIt) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  std::string content("SQLite format 3\0", 16);
  content += std::string(200, '\x7f');
  write_text(path, content);
  try {
    Database::open(path, Database::Mode::ReadOnly);
    FAIL() << "opened a corrupt database";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().where, path.string());
  }
  EXPECT_EQ(read_file(path), content);
}

TEST(Database, UserVersionIsReadFromTheHeaderWithoutCreatingFiles) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  EXPECT_EQ(read_user_version(path), 0);
  EXPECT_FALSE(fs::exists(path));
  {
    auto db = Database::open(path);  // WAL mode
    db.exec("CREATE TABLE t(x); PRAGMA user_version = 42");
  }
  const auto bytes = read_file(path);
  EXPECT_EQ(read_user_version(path), 42);
  EXPECT_FALSE(fs::exists(path.string() + "-wal"));
  EXPECT_FALSE(fs::exists(path.string() + "-shm"));
  EXPECT_EQ(read_file(path), bytes);
}

TEST(Database, UserVersionOfALiveWalIsTheCommittedOne) {
  TempDir dir;
  auto path = dir.path() / "shotgen.db";
  auto writer = Database::open(path);
  writer.exec("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t(x); PRAGMA user_version = 7");
  // The main file's header is still the old one; the new version lives in the WAL.
  EXPECT_EQ(read_user_version(path), 7);
}

TEST(Database, TimestampsSortChronologically) {
  auto a = now_timestamp();
  auto b = now_timestamp();
  EXPECT_EQ(a.size(), std::string("2025-01-31T12:00:00.123456Z").size());
  EXPECT_LE(a, b);
  EXPECT_EQ(a.back(), 'Z');
}

}  // namespace
}  // namespace shotgen::db
