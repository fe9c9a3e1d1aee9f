#pragma once
// One schema-version table for the store file, shared by every store in it:
//   schema_migrations(component TEXT, version INTEGER, applied_at TEXT), one row per applied
//   step, PRIMARY KEY (component, version).
// Each store (component "tracking", "registry", "evaluation") lists its schema as ordered SQL
// steps, version 1 first, and applies the missing ones when it opens the file, in one
// BEGIN IMMEDIATE transaction (two processes opening a new file cannot both migrate it).
//
// Version 1 is the schema the stores had before this table existed, written with
// CREATE ... IF NOT EXISTS: a file from then (tables present, no version table) runs it as a
// no-op and is recorded at version 1. Later steps run exactly once, so they need no guard.

#include <span>
#include <string_view>

#include "mlops/store/sqlite/sqlite_db.h"

namespace mlops {

/// One step of a store's schema: the SQL that takes it from `version - 1` to `version`.
struct Migration {
  int version = 0;
  std::string_view sql;
};

/// The version the file records for `component`: 0 for a new file or one written before the
/// version table. Throws IoError on a store failure.
int schema_version(SqliteDb& db, std::string_view component);

/// Brings `component`'s tables to the last of `steps` (versions 1, 2, ... in order), recording
/// each applied step. Costs two reads when the file is already current. Throws ConfigError
/// naming the file when it records a version newer than the last step (a newer mlops wrote
/// it: exit 2), IoError when a step fails (nothing of the transaction is kept).
void apply_migrations(SqliteDb& db, std::string_view component, std::span<const Migration> steps);

}  // namespace mlops
