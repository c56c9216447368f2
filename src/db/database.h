#pragma once
// A thin RAII layer over SQLite: Database (one connection), Statement (a prepared statement with
// typed bind/column helpers) and Transaction (rolls back unless committed). Every SQLite failure
// becomes a shotgen::Error naming the database file and, where there is one, what to do about it.
#include <cstdint>
#include <filesystem>
#include <utility>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace shotgen::db {

class Statement;

class Database {
 public:
  enum class Mode {
    ReadWrite,  // creates the file if missing; WAL journal
    ReadOnly,   // never writes the file (used to inspect a database before touching it)
  };

  // Opens `path` with foreign keys on and a busy timeout; ReadWrite also switches to WAL.
  // A non-empty file that does not start with the SQLite header is refused before SQLite sees
  // it, so it is left exactly as it was.
  static Database open(const std::filesystem::path& path, Mode mode = Mode::ReadWrite);
  // A private database in memory (tests, and readers of a workspace that has no database yet).
  static Database open_in_memory();

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql) const;
  Statement prepare(std::string_view sql) const;

  int user_version() const;
  // Rows changed by this connection since it was opened (INSERT/UPDATE/DELETE).
  std::int64_t total_changes() const;
  std::int64_t last_insert_rowid() const;
  bool in_transaction() const;

  // The file name for messages ("<memory>" for in-memory databases).
  const std::string& name() const { return name_; }
  sqlite3* handle() const { return db_; }

  // Throws the shotgen::Error for SQLite result code `rc` (with this connection's message).
  [[noreturn]] void fail(int rc, std::string_view doing) const;

 private:
  Database(sqlite3* db, std::string name) : db_(db), name_(std::move(name)) {}
  void close() noexcept;

  sqlite3* db_ = nullptr;
  std::string name_;
  // The file's (device, inode) while this connection counts in the process's open-file registry
  // (database.cpp): shotgen reads a database file with its own descriptor only when no connection
  // of this process has it open.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> file_key_;
};

class Statement {
 public:
  Statement(const Database& db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQL's ?1, ?2, ...; text is copied.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::nullopt_t);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }
  // bind_all(a, b, c) binds ?1, ?2, ?3.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true if there is one, false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Makes the statement ready to run again (bindings are kept).
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  int integer(int column) const { return static_cast<int>(int64(column)); }
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<double> optional_real(int column) const;
  std::optional<std::string> optional_text(int column) const;

 private:
  const Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A transaction on `db`, rolled back by the destructor unless commit() was called. Write
// transactions start with BEGIN IMMEDIATE so a concurrent writer waits at the start (busy timeout)
// instead of failing halfway. Inside another transaction it becomes a SAVEPOINT, so functions
// that need atomicity compose with callers that already hold a transaction.
class Transaction {
 public:
  enum class Kind { Read, Write };
  explicit Transaction(const Database& db, Kind kind = Kind::Write);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  const Database& db_;
  bool nested_ = false;
  bool done_ = false;
};

// The schema version (PRAGMA user_version) of the database file at `path`, read without writing
// anything and, unless the database has a live WAL, straight from the file header so that no
// -wal/-shm files are created beside it. 0 for a missing or empty file; a file that is not a
// SQLite database is refused like Database::open does.
int read_user_version(const std::filesystem::path& path);

// Current UTC time as stored in *_at columns: "2025-01-31T12:00:00.123456Z".
std::string now_timestamp();

}  // namespace shotgen::db
