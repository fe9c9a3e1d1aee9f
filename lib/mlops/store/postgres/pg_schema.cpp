#include "mlops/store/postgres/pg_schema.h"

#include "mlops/core/error.h"

namespace mlops {

namespace {

constexpr const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL, "
    "version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
    "PRIMARY KEY (component, version))";

void refuse_newer(const PgConnection& connection, std::string_view component, int found,
                  int known) {
  if (found <= known) return;
  throw ConfigError(
      "{}: the {} ({}) is at schema version {}, newer than the {} this mlops knows: a newer "
      "mlops wrote it; upgrade mlops or set store.url to another database",
      connection.location().display, connection.what(), component, found, known);
}

void check_tables(PgConnection& connection, std::string_view component, int version,
                  std::span<const std::string_view> tables) {
  std::string names = "{";
  for (const std::string_view table : tables)
    names += fmt::format("{}{}", names.size() > 1 ? "," : "", table);
  names += "}";
  const PgResult missing =
      connection.query("SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL LIMIT 1",
                       PgParams().add(names));
  if (missing.rows() == 0) return;
  throw IoError(
      "{}: the {}'s table '{}' is missing although the database records schema version {} "
      "of '{}': restore the database from a backup (docs/production.md) or point store.url "
      "at another database",
      connection.location().display, connection.what(), missing.text(0, 0), version, component);
}

/// Throws ConfigError when the connected role may not create tables where mlops would create
/// them (PostgreSQL 15 and newer grant no CREATE on `public` to other roles than the
/// database's owner), before a migration fails half-way with "permission denied".
void require_create_privilege(PgConnection& connection, std::string_view component) {
  const PgResult rights = connection.query(
      "SELECT current_user, COALESCE(current_schema(), ''), "
      "CASE WHEN current_schema() IS NULL THEN 0 "
      "WHEN has_schema_privilege(current_schema(), 'CREATE') THEN 1 ELSE 0 END");
  if (rights.integer(0, 2) == 1) return;
  const std::string user = rights.text(0, 0);
  const std::string schema = rights.text(0, 1);
  throw ConfigError(
      "{}: the {} ({}) needs its tables created, and user '{}' may not create tables {}: run "
      "`mlops store migrate` once as the database's owner, or let the user create them "
      "(GRANT CREATE ON SCHEMA {} TO {})",
      connection.location().display, connection.what(), component, user,
      schema.empty() ? "(no schema on its search_path exists)" : "in schema '" + schema + "'",
      schema.empty() ? "public" : schema, user);
}

}  // namespace

int pg_schema_version(PgConnection& connection, std::string_view component) {
  const PgResult version = connection.query(
      "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN -1 ELSE 0 END");
  if (version.integer(0, 0) < 0) return 0;
  const PgResult found = connection.query(
      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = $1",
      PgParams().add(component));
  return static_cast<int>(found.integer(0, 0));
}

void apply_pg_migrations(PgConnection& connection, std::string_view component,
                         std::span<const PgMigration> steps,
                         std::span<const std::string_view> tables) {
  const int known = steps.empty() ? 0 : steps.back().version;
  int current = pg_schema_version(connection, component);
  refuse_newer(connection, component, current, known);
  if (current < known) {
    require_create_privilege(connection, component);
    PgTransaction transaction(connection);
    transaction.lock("mlops.schema_migrations");
    connection.exec(kVersionTable);
    current = pg_schema_version(connection, component);  // again, under the lock
    refuse_newer(connection, component, current, known);
    for (const PgMigration& step : steps) {
      if (step.version <= current) continue;
      connection.exec(step.sql);
      connection.query("INSERT INTO schema_migrations (component, version) VALUES ($1, $2)",
                       PgParams().add(component).add(step.version));
    }
    transaction.commit();
    current = known;
  }
  check_tables(connection, component, current, tables);
}

}  // namespace mlops
