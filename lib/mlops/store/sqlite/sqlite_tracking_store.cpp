// The embedded tracking store: two tables in the SQLite store file, one row per run and one
// per (run, metric).

#include "mlops/store/sqlite/schema_migrations.h"
#include "mlops/store/sqlite/sqlite_db.h"
#include "mlops/store/sqlite/sqlite_stores.h"

namespace mlops {

namespace {

// Version 1, kept byte for byte as the first release wrote it (SQLite keeps this text in the
// file). A change of schema is a new step at the end.
constexpr const char* kVersion1 =
    "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, "
    "env TEXT, started_at TEXT, status TEXT, run_dir TEXT, config_hash TEXT);"
    "CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs (workflow, started_at);"
    "CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL, name TEXT NOT NULL, "
    "value REAL, PRIMARY KEY (run_id, name));";

// Version 2: each shard of a sharded stage records its own row (RunContext merges them into
// the run's manifest).
constexpr const char* kVersion2 =
    "CREATE TABLE run_shards (run_id TEXT NOT NULL, stage TEXT NOT NULL, shard INTEGER NOT "
    "NULL, shard_count INTEGER NOT NULL, host TEXT NOT NULL, recorded_at TEXT NOT NULL, "
    "entry TEXT NOT NULL, PRIMARY KEY (run_id, stage, shard));";

constexpr Migration kMigrations[] = {{1, kVersion1}, {2, kVersion2}};

constexpr const char* kRunColumns =
    "run_id, workflow, env, started_at, status, run_dir, config_hash";

RunRow read_row(const SqliteStatement& statement) {
  return RunRow{statement.text(0), statement.text(1), statement.text(2), statement.text(3),
                statement.text(4), statement.text(5), statement.text(6)};
}

class SqliteTrackingStore final : public TrackingStore {
 public:
  explicit SqliteTrackingStore(const std::string& path) : db_(path, "tracking store") {
    apply_migrations(db_, "tracking", kMigrations);
  }

  void upsert_run(const RunRow& run) override {
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

  void set_metrics(const std::string& run_id,
                   const std::map<std::string, double>& metrics) override {
    SqliteStatement statement(db_,
                              "INSERT INTO metrics (run_id, name, value) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value");
    for (const auto& [name, value] : metrics) {
      statement.bind(1, run_id).bind(2, name).bind_real_or_null(3, value);
      statement.run();
    }
  }

  std::map<std::string, double> metrics(const std::string& run_id) override {
    SqliteStatement statement(db_, "SELECT name, value FROM metrics WHERE run_id = ?1");
    statement.bind(1, run_id);
    std::map<std::string, double> found;
    while (statement.step()) found[statement.text(0)] = statement.real(1);
    return found;
  }

  std::optional<RunRow> latest_run(const std::string& workflow) override {
    SqliteStatement statement(db_, std::string("SELECT ") + kRunColumns +
                                       " FROM runs WHERE workflow = ?1 ORDER BY started_at "
                                       "DESC, run_id DESC LIMIT 1");
    statement.bind(1, workflow);
    if (!statement.step()) return std::nullopt;
    return read_row(statement);
  }

  std::vector<RunRow> runs(const std::string& workflow) override {
    SqliteStatement statement(db_, std::string("SELECT ") + kRunColumns +
                                       " FROM runs WHERE workflow = ?1 ORDER BY started_at "
                                       "DESC, run_id DESC");
    statement.bind(1, workflow);
    std::vector<RunRow> found;
    while (statement.step()) found.push_back(read_row(statement));
    return found;
  }

  std::optional<RunRow> find_run(const std::string& run_id) override {
    SqliteStatement statement(
        db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_id = ?1");
    statement.bind(1, run_id);
    if (!statement.step()) return std::nullopt;
    return read_row(statement);
  }

  void record_shard(const ShardRecord& shard) override {
    SqliteStatement(db_,
                    "INSERT INTO run_shards (run_id, stage, shard, shard_count, host, "
                    "recorded_at, entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT "
                    "(run_id, stage, shard) DO UPDATE SET shard_count = excluded.shard_count, "
                    "host = excluded.host, recorded_at = excluded.recorded_at, "
                    "entry = excluded.entry")
        .bind(1, shard.run_id)
        .bind(2, shard.stage)
        .bind(3, shard.shard_index)
        .bind(4, shard.shard_count)
        .bind(5, shard.host)
        .bind(6, shard.recorded_at)
        .bind(7, shard.entry)
        .step();
  }

  std::vector<ShardRecord> shards(const std::string& run_id) override {
    SqliteStatement statement(db_,
                              "SELECT run_id, stage, shard, shard_count, host, recorded_at, "
                              "entry FROM run_shards WHERE run_id = ?1 ORDER BY stage, shard");
    statement.bind(1, run_id);
    std::vector<ShardRecord> found;
    while (statement.step()) {
      found.push_back({statement.text(0), statement.text(1), static_cast<int>(statement.integer(2)),
                       static_cast<int>(statement.integer(3)), statement.text(4), statement.text(5),
                       statement.text(6)});
    }
    return found;
  }

 private:
  SqliteDb db_;
};

}  // namespace

std::unique_ptr<TrackingStore> open_sqlite_tracking_store(const std::string& db_path) {
  return std::make_unique<SqliteTrackingStore>(db_path);
}

}  // namespace mlops
