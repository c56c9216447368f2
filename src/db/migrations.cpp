#include "db/migrations.h"

#include <string>

#include "core/error.h"

namespace shotgen::db {
namespace {

void refuse_if_newer(int version, const std::string& where) {
  if (version > latest_schema_version())
    throw Error("database was written by a newer shotgen (schema " + std::to_string(version) +
                    ", this build knows " + std::to_string(latest_schema_version()) + ")",
                where, "upgrade shotgen");
}

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

void migrate(const Database& db) {
  refuse_if_newer(db.user_version(), db.name());
  for (const Migration& migration : migrations()) {
    Transaction tx(db);
    // Re-read inside the write transaction: another process may have migrated meanwhile.
    if (db.user_version() >= migration.version) continue;
    db.exec(migration.sql);
    db.exec("PRAGMA user_version = " + std::to_string(migration.version));
    tx.commit();
  }
}

Database open_project_database(const std::filesystem::path& path) {
  // Inspect the file first: a newer database must not even get a WAL journal beside it.
  refuse_if_newer(read_user_version(path), path.string());
  auto db = Database::open(path, Database::Mode::ReadWrite);
  migrate(db);
  return db;
}

}  // namespace shotgen::db
