#include "mlops/store/sqlite/schema_migrations.h"

#include "mlops/core/error.h"
#include "mlops/core/time.h"

namespace mlops {

namespace {

constexpr const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL, "
    "version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (component, version))";

void refuse_newer(const SqliteDb& db, std::string_view component, int found, int known) {
  if (found <= known) return;
  throw ConfigError(
      "{}: the {} ({}) is at schema version {}, newer than the {} this mlops knows: a newer "
      "mlops wrote it; upgrade mlops or set store.path to another file",
      db.path(), db.what(), component, found, known);
}

}  // namespace

int schema_version(SqliteDb& db, std::string_view component) {
  SqliteStatement table(
      db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!table.step()) return 0;
  SqliteStatement version(
      db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?1");
  version.bind(1, component);
  version.step();
  return static_cast<int>(version.integer(0));
}

void apply_migrations(SqliteDb& db, std::string_view component, std::span<const Migration> steps) {
  const int known = steps.empty() ? 0 : steps.back().version;
  int current = schema_version(db, component);
  refuse_newer(db, component, current, known);
  if (current == known) return;

  SqliteTransaction transaction(db);
  db.exec(kVersionTable);
  current = schema_version(db, component);  // again, under the write lock
  refuse_newer(db, component, current, known);
  SqliteStatement record(db,
                         "INSERT INTO schema_migrations (component, version, applied_at) "
                         "VALUES (?1, ?2, ?3)");
  for (const Migration& step : steps) {
    if (step.version <= current) continue;
    db.exec(step.sql);
    record.bind(1, component).bind(2, step.version).bind(3, format_iso8601(now_micros()));
    record.run();
  }
  transaction.commit();
}

}  // namespace mlops
