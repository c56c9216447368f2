#include "db/database.h"

#include <sqlite3.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <system_error>

#include "core/error.h"

namespace shotgen::db {
namespace fs = std::filesystem;

namespace {

constexpr int kBusyTimeoutMs = 10'000;
constexpr std::string_view kSqliteHeader{"SQLite format 3\0", 16};
constexpr std::string_view kNotADatabaseFix = "move it away or pass -C to another workspace";

// Refuses a file that is not a SQLite database before SQLite opens it (SQLite would otherwise
// report the problem only on first use, after it may have created -wal/-shm files beside it).
void check_sqlite_header(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw Error("the database path is a folder, not a database file", path.string(),
                "move the folder away (shotgen creates the database file itself) or pass -C to another workspace",
                "not-a-database");
  if (!fs::is_regular_file(path, ec)) return;  // missing: created
  auto size = fs::file_size(path, ec);
  if (ec || size == 0) return;  // an empty file is a valid, empty database
  std::array<char, 16> header{};
  std::ifstream in(path, std::ios::binary);
  in.read(header.data(), header.size());
  if (in.gcount() != static_cast<std::streamsize>(header.size()) ||
      std::string_view(header.data(), header.size()) != kSqliteHeader)
    throw Error("not a SQLite database", path.string(), std::string(kNotADatabaseFix));
}

std::string fix_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_NOTADB: return std::string(kNotADatabaseFix);
    case SQLITE_CORRUPT: return "restore the database from a backup, or move it away and run `shotgen sync`";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "another shotgen process is using the database; wait for it to finish";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN: return "check that the file and its folder exist and are writable";
    case SQLITE_FULL: return "free some disk space and run the command again";
    case SQLITE_IOERR: return "the disk may be full or failing: check its free space (df) and the system log, then run the command again";
    default: return {};
  }
}

}  // namespace

// ---- Database ----------------------------------------------------------------------------------

Database Database::open(const fs::path& path, Mode mode) {
  check_sqlite_header(path);
  const int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw, path.string());
  if (rc != SQLITE_OK) {
    if (!raw) throw Error("cannot open database: out of memory", path.string());
    db.fail(rc, "cannot open database");
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  db.exec("PRAGMA foreign_keys = ON");
  // Reading the schema here turns "not a database" or corruption into an error at open time.
  db.exec("SELECT count(*) FROM sqlite_schema");
  if (mode == Mode::ReadWrite) db.exec("PRAGMA journal_mode = WAL");
  return db;
}

Database Database::open_in_memory() {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw, "<memory>");
  if (rc != SQLITE_OK) db.fail(rc, "cannot open in-memory database");
  sqlite3_extended_result_codes(raw, 1);
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}

Database::Database(Database&& other) noexcept : db_(other.db_), name_(std::move(other.name_)) { other.db_ = nullptr; }

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = other.db_;
    name_ = std::move(other.name_);
    other.db_ = nullptr;
  }
  return *this;
}

Database::~Database() { close(); }

void Database::close() noexcept {
  // sqlite3_close_v2 defers the close until every statement is finalized; statements are RAII too.
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

void Database::fail(int rc, std::string_view doing) const {
  std::string what(doing);
  std::string fix = fix_for(rc);
  const char* detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_NOTADB) {
    what = "not a SQLite database";
  } else if (detail && *detail) {
    what += what.empty() ? "" : ": ";
    what += detail;
  }
  // A full disk often reaches SQLite as an I/O error (writing the WAL or growing its index):
  // the operating system's error number says what it was.
  const bool io_error_of_full_disk = (rc & 0xff) == SQLITE_IOERR && db_ && sqlite3_system_errno(db_) == ENOSPC;
  if (io_error_of_full_disk) {
    what += " (the disk is full)";
    fix = fix_for(SQLITE_FULL);
  }
  const bool disk_full = (rc & 0xff) == SQLITE_FULL || io_error_of_full_disk;
  throw Error(Problem{std::move(what), name_, std::move(fix), disk_full ? ErrorKind::Io : ErrorKind::General,
                      disk_full ? "disk-full" : "database"});
}

void Database::exec(std::string_view sql) const {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text is available from sqlite3_errmsg
  if (rc != SQLITE_OK) fail(rc, "database error");
}

Statement Database::prepare(std::string_view sql) const { return Statement(*this, sql); }

int Database::user_version() const {
  auto stmt = prepare("PRAGMA user_version");
  stmt.step();
  return stmt.integer(0);
}

std::int64_t Database::total_changes() const { return sqlite3_total_changes64(db_); }

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- Statement ---------------------------------------------------------------------------------

Statement::Statement(const Database& db, std::string_view sql) : db_(&db) {
  int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "database error");
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_->fail(rc, "database error");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) db_->fail(rc, "database error");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) db_->fail(rc, "database error");
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_->fail(rc, "database error");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);  // so a later reuse starts clean; the error text stays on the connection
  db_->fail(rc, "database error");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() { sqlite3_reset(stmt_); }

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

// ---- Transaction -------------------------------------------------------------------------------

namespace {
constexpr const char* kSavepoint = "SAVEPOINT shotgen_nested";
}

Transaction::Transaction(const Database& db, Kind kind) : db_(db), nested_(db.in_transaction()) {
  if (nested_)
    db_.exec(kSavepoint);
  else
    db_.exec(kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
  if (done_) return;
  // Roll back; errors are ignored because a destructor cannot report them and SQLite rolls back
  // an unfinished transaction when the connection closes anyway.
  if (nested_) {
    sqlite3_exec(db_.handle(), "ROLLBACK TO shotgen_nested; RELEASE shotgen_nested", nullptr, nullptr, nullptr);
  } else if (db_.in_transaction()) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  db_.exec(nested_ ? "RELEASE shotgen_nested" : "COMMIT");
  done_ = true;
}

int read_user_version(const fs::path& path) {
  check_sqlite_header(path);
  std::error_code ec;
  if (!fs::exists(path, ec) || fs::file_size(path, ec) == 0) return 0;
  // With a non-empty WAL the newest header may be in the WAL: ask SQLite (its files exist already).
  const fs::path wal = path.string() + "-wal";
  if (fs::exists(wal, ec) && fs::file_size(wal, ec) > 0) return Database::open(path, Database::Mode::ReadOnly).user_version();
  // The user version is the big-endian 32-bit integer at offset 60 of the database header.
  std::array<unsigned char, 64> header{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  if (in.gcount() != static_cast<std::streamsize>(header.size()))
    throw Error("database file is truncated", path.string(), std::string(kNotADatabaseFix));
  return static_cast<int>((std::uint32_t{header[60]} << 24) | (std::uint32_t{header[61]} << 16) |
                          (std::uint32_t{header[62]} << 8) | std::uint32_t{header[63]});
}

std::string now_timestamp() {
  using namespace std::chrono;
  auto since_epoch = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  auto micros = since_epoch % 1'000'000;
  std::time_t seconds = static_cast<std::time_t>(since_epoch / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(micros));
  return buf;
}

}  // namespace shotgen::db
