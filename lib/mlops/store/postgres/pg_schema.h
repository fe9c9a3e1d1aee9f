#pragma once
// The PostgreSQL stores' schema versions, as store/sqlite/schema_migrations.h keeps them for
// SQLite: schema_migrations(component, version, applied_at), one row per applied step. Each
// store lists its schema as ordered SQL steps and applies the missing ones when it opens the
// database, in one transaction under an advisory lock (pg_advisory_xact_lock), so processes on
// several machines opening a new database at once migrate it exactly once. PostgreSQL's DDL
// is transactional: a failed step leaves nothing behind.

#include <span>
#include <string_view>

#include "mlops/store/postgres/pg_connection.h"

namespace mlops {

/// One step of a store's schema: the SQL that takes it from `version - 1` to `version`.
struct PgMigration {
  int version = 0;
  std::string_view sql;
};

/// The version the database records for `component`: 0 for a new database. Throws IoError.
int pg_schema_version(PgConnection& connection, std::string_view component);

/// Brings `component`'s tables to the last of `steps`, then checks that every table of
/// `tables` exists. Costs one query when the database is current. Throws ConfigError naming
/// the URL (without password) when the database records a newer version than the last step (a
/// newer mlops wrote it: exit 2) or when tables must be created and the user may not create
/// them (exit 2); IoError when a step fails or a table is missing although its version is
/// recorded (a database emptied by hand: exit 5).
void apply_pg_migrations(PgConnection& connection, std::string_view component,
                         std::span<const PgMigration> steps,
                         std::span<const std::string_view> tables);

}  // namespace mlops
