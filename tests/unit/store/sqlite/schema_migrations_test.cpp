// The store file's schema-version table: migrations applied at open, files from before the
// table recognised as version 1, files from a newer mlops refused.

#include "mlops/store/sqlite/schema_migrations.h"

#include <gtest/gtest.h>

#include <functional>

#include "mlops/core/error.h"
#include "mlops/store/sqlite/sqlite_stores.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

// The store file as mlops wrote it before the version table (commit 6a85c8d): the three
// stores' tables, byte for byte, and a row in each store.
constexpr const char* kFileWithoutVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, env TEXT, started_at TEXT, status TEXT, run_dir TEXT, config_hash TEXT);CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs (workflow, started_at);CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL, name TEXT NOT NULL, value REAL, PRIMARY KEY (run_id, name));
CREATE TABLE IF NOT EXISTS model_versions (
  model TEXT NOT NULL, version INTEGER NOT NULL, run_id TEXT, created_at TEXT NOT NULL,
  artifact_dir TEXT NOT NULL, metrics TEXT NOT NULL, meta TEXT NOT NULL,
  PRIMARY KEY (model, version));
CREATE TABLE IF NOT EXISTS model_aliases (
  model TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (model, alias), FOREIGN KEY (model, version) REFERENCES model_versions);
CREATE TABLE IF NOT EXISTS model_alias_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, alias TEXT NOT NULL,
  version INTEGER NOT NULL, previous_version INTEGER NOT NULL, action TEXT NOT NULL,
  reason TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS alias_history_no_update BEFORE UPDATE ON model_alias_history
  BEGIN SELECT RAISE(ABORT, 'the alias history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS alias_history_no_delete BEFORE DELETE ON model_alias_history
  BEGIN SELECT RAISE(ABORT, 'the alias history is append-only'); END;
CREATE TABLE IF NOT EXISTS prediction_log (
  model TEXT NOT NULL, model_version TEXT NOT NULL, run_id TEXT, row_key TEXT NOT NULL,
  features_hash TEXT NOT NULL, prediction TEXT, score REAL, probabilities BLOB,
  scored_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS prediction_log_by_key ON prediction_log (model, row_key);
CREATE INDEX IF NOT EXISTS prediction_log_by_run ON prediction_log (model, run_id);
CREATE TABLE IF NOT EXISTS labels (
  model TEXT NOT NULL, row_key TEXT NOT NULL, label TEXT NOT NULL, received_at TEXT NOT NULL,
  PRIMARY KEY (model, row_key));
CREATE TABLE IF NOT EXISTS live_metrics (
  model TEXT NOT NULL, model_version TEXT NOT NULL, window TEXT NOT NULL,
  window_start INTEGER NOT NULL, metric TEXT NOT NULL, value REAL, rows INTEGER NOT NULL,
  evaluated_at TEXT NOT NULL,
  PRIMARY KEY (model, model_version, window, window_start, metric));
INSERT INTO runs VALUES ('r1', 'w', 'local', '00000000000000000001', 'ok', 'runs/r1', 'h');
INSERT INTO metrics VALUES ('r1', 'auc', 0.75);
INSERT INTO model_versions VALUES ('churn', 1, 'r1', '2026-01-01T00:00:00Z', 'models/churn/v1',
  '{"auc": 0.75}', '{}');
INSERT INTO model_aliases VALUES ('churn', 'champion', 1, '2026-01-01T00:00:00Z');
INSERT INTO model_alias_history (model, alias, version, previous_version, action, reason,
  changed_at) VALUES ('churn', 'champion', 1, 0, 'gate', 'first', '2026-01-01T00:00:00Z');
INSERT INTO prediction_log VALUES ('churn', 'v1', 'r1', 'k1', '0000000000001234', 'yes', 0.9,
  NULL, 1000);
INSERT INTO labels VALUES ('churn', 'k1', 'yes', '2026-01-02T00:00:00Z');
)sql";

int version_of(const std::string& path, const char* component) {
  SqliteDb db(path, "test");
  return schema_version(db, component);
}

int64_t count(const std::string& path, const std::string& table) {
  SqliteDb db(path, "test");
  SqliteStatement query(db, "SELECT COUNT(*) FROM " + table);
  query.step();
  return query.integer(0);
}

std::string migration_config_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no ConfigError>";
}

TEST(SchemaMigrations, FreshFileRecordsEachStoreAtItsLatestVersion) {
  testing::TempDir dir;
  const std::string path = dir.file("mlops.db");
  EXPECT_EQ(version_of(path, "tracking"), 0);
  open_sqlite_tracking_store(path);
  open_sqlite_registry(path, dir.file("models"));
  open_sqlite_evaluation_store(path);
  EXPECT_EQ(version_of(path, "tracking"), 2);
  EXPECT_EQ(version_of(path, "registry"), 2);
  EXPECT_EQ(version_of(path, "evaluation"), 3);
  EXPECT_EQ(count(path, "schema_migrations"), 7);
  open_sqlite_tracking_store(path);  // reopened: nothing applied twice
  EXPECT_EQ(count(path, "schema_migrations"), 7);
}

TEST(SchemaMigrations, FileWithoutVersionTableIsVersionOneWithItsDataKept) {
  testing::TempDir dir;
  const std::string path = dir.file("mlops.db");
  {
    SqliteDb db(path, "test");
    db.exec(kFileWithoutVersionTable);
  }
  auto tracking = open_sqlite_tracking_store(path);
  auto registry = open_sqlite_registry(path, dir.file("models"));
  auto evaluation = open_sqlite_evaluation_store(path);
  EXPECT_EQ(version_of(path, "tracking"), 2);
  EXPECT_EQ(version_of(path, "registry"), 2);
  EXPECT_EQ(version_of(path, "evaluation"), 3);
  EXPECT_EQ(tracking->latest_run("w")->run_id, "r1");
  EXPECT_DOUBLE_EQ(tracking->metrics("r1").at("auc"), 0.75);
  EXPECT_EQ(registry->aliases("churn").at("champion"), 1);
  EXPECT_EQ(registry->alias_history("churn").size(), 1u);
  EXPECT_EQ(evaluation->matched_labels("churn"), 1);
  // The old file's tables are the tables a new file gets: same SQL text in sqlite_master.
  const std::string fresh = dir.file("fresh.db");
  open_sqlite_tracking_store(fresh);
  open_sqlite_registry(fresh, dir.file("models"));
  open_sqlite_evaluation_store(fresh);
  auto schema = [](const std::string& file) {
    SqliteDb db(file, "test");
    SqliteStatement query(db,
                          "SELECT name || ':' || sql FROM sqlite_master WHERE name NOT LIKE "
                          "'sqlite_%' AND name NOT LIKE 'schema_migrations%' ORDER BY name");
    std::string text;
    while (query.step()) text += query.text(0) + "\n";
    return text;
  };
  EXPECT_EQ(schema(path), schema(fresh));
}

TEST(SchemaMigrations, FileFromANewerMlopsIsAConfigErrorNamingIt) {
  testing::TempDir dir;
  const std::string path = dir.file("mlops.db");
  open_sqlite_tracking_store(path);
  {
    SqliteDb db(path, "test");
    db.exec("INSERT INTO schema_migrations VALUES ('tracking', 3, '2030-01-01T00:00:00Z')");
  }
  EXPECT_EQ(migration_config_error([&] { open_sqlite_tracking_store(path); }),
            path +
                ": the tracking store (tracking) is at schema version 3, newer than the 2 this "
                "mlops knows: a newer mlops wrote it; upgrade mlops or set store.path to another "
                "file");
  EXPECT_EQ(ConfigError("").exit_code(), ExitCode::kUsage);
  open_sqlite_registry(path, dir.file("models"));  // other stores in the file are unaffected
}

TEST(SchemaMigrations, MissingStepsRunInOrderOnce) {
  testing::TempDir dir;
  SqliteDb db(dir.file("mlops.db"), "test store");
  const Migration first[] = {{1, "CREATE TABLE t (x INTEGER)"}, {2, "INSERT INTO t VALUES (2)"}};
  apply_migrations(db, "test", first);
  const Migration more[] = {{1, "CREATE TABLE t (x INTEGER)"},
                            {2, "INSERT INTO t VALUES (2)"},
                            {3, "INSERT INTO t VALUES (3)"}};
  apply_migrations(db, "test", more);
  apply_migrations(db, "test", more);
  EXPECT_EQ(schema_version(db, "test"), 3);
  SqliteStatement rows(db, "SELECT group_concat(x) FROM t");
  rows.step();
  EXPECT_EQ(rows.text(0), "2,3");
}

TEST(SchemaMigrations, FailingStepLeavesTheFileAtItsVersion) {
  testing::TempDir dir;
  SqliteDb db(dir.file("mlops.db"), "test store");
  const Migration steps[] = {{1, "CREATE TABLE t (x INTEGER)"},
                             {2, "INSERT INTO t VALUES (2)"},
                             {3, "INSERT INTO no_such_table VALUES (3)"}};
  EXPECT_THROW(apply_migrations(db, "test", steps), IoError);
  EXPECT_EQ(schema_version(db, "test"), 0);
  SqliteStatement table(db, "SELECT 1 FROM sqlite_master WHERE name = 't'");
  EXPECT_FALSE(table.step());
}

}  // namespace
}  // namespace mlops
