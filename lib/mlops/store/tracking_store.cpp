#include "mlops/store/tracking_store.h"

namespace mlops {

namespace {

constexpr const char* kRunColumns =
    "run_id, workflow, env, started_at, status, run_dir, config_hash";

RunRow read_row(const SqliteStatement& statement) {
  return RunRow{statement.text(0), statement.text(1), statement.text(2), statement.text(3),
                statement.text(4), statement.text(5), statement.text(6)};
}

}  // namespace

TrackingStore::TrackingStore(const std::string& path) : db_(path, "tracking store") {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, "
      "env TEXT, started_at TEXT, status TEXT, run_dir TEXT, config_hash TEXT);"
      "CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs (workflow, started_at);"
      "CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL, name TEXT NOT NULL, "
      "value REAL, PRIMARY KEY (run_id, name));");
}

void TrackingStore::upsert_run(const RunRow& run) {
  SqliteStatement(db_,
                  "INSERT INTO runs (run_id, workflow, env, started_at, status, run_dir, "
                  "config_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (run_id) DO "
                  "UPDATE SET status = excluded.status, config_hash = excluded.config_hash")
      .bind(1, run.run_id)
      .bind(2, run.workflow)
      .bind(3, run.env)
      .bind(4, run.started_at)
      .bind(5, run.status)
      .bind(6, run.run_dir)
      .bind(7, run.config_hash)
      .step();
}

void TrackingStore::set_metrics(const std::string& run_id,
                                const std::map<std::string, double>& metrics) {
  SqliteStatement statement(db_,
                            "INSERT INTO metrics (run_id, name, value) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value");
  for (const auto& [name, value] : metrics) {
    statement.bind(1, run_id).bind(2, name).bind_real_or_null(3, value);
    statement.run();
  }
}

std::optional<RunRow> TrackingStore::latest_run(const std::string& workflow) {
  SqliteStatement statement(db_, std::string("SELECT ") + kRunColumns +
                                     " FROM runs WHERE workflow = ?1 ORDER BY started_at DESC, "
                                     "run_id DESC LIMIT 1");
  statement.bind(1, workflow);
  if (!statement.step()) return std::nullopt;
  return read_row(statement);
}

std::optional<RunRow> TrackingStore::find_run(const std::string& run_id) {
  SqliteStatement statement(db_,
                            std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_id = ?1");
  statement.bind(1, run_id);
  if (!statement.step()) return std::nullopt;
  return read_row(statement);
}

}  // namespace mlops
