#pragma once
// Schema migrations of the project database. They are the files schemas/NNN_name.sql, compiled
// into the binary at build time (embed_migrations.cmake). PRAGMA user_version is the number of
// migrations applied; each one runs in its own transaction together with the version bump.
#include <filesystem>
#include <span>
#include <string_view>

#include "db/database.h"

namespace shotgen::db {

struct Migration {
  int version;            // NNN: 1, 2, 3, ...
  std::string_view name;  // "initial"
  std::string_view sql;
};

// Every migration this build knows, in order (defined in the generated embedded_migrations.cpp).
std::span<const Migration> migrations();

// The schema version a fully migrated database has.
int latest_schema_version();

// Applies the migrations `db` has not seen yet. Refuses (shotgen::Error, nothing written) a
// database whose version is newer than this build knows.
void migrate(const Database& db);

// Opens the project database at `path`, creating it if missing, and migrates it. A file that is
// not a SQLite database or was written by a newer shotgen is refused before anything is written.
Database open_project_database(const std::filesystem::path& path);

}  // namespace shotgen::db
