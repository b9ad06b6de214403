#pragma once

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>

namespace loaxa {

/// The station's one SQLite file, opened in WAL mode and migrated to the current schema.
/// Throws UserError for a file that is not a loaxa database (the file is left untouched).
std::unique_ptr<SQLite::Database> open_database(const std::filesystem::path& file);

/// Opens an existing database read-only (inspection commands); throws UserError if missing.
std::unique_ptr<SQLite::Database> open_database_readonly(const std::filesystem::path& file);

/// The schema version this build writes (PRAGMA user_version).
int current_schema_version();

}  // namespace loaxa
