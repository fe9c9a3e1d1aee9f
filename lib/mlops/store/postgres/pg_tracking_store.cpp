// The tracking store in PostgreSQL: the tables of the SQLite backend
// (store/sqlite/sqlite_tracking_store.cpp), one row per run and one per (run, metric).

#include "mlops/store/postgres/pg_schema.h"
#include "mlops/store/postgres/pg_stores.h"

namespace mlops {

namespace {

constexpr const char* kVersion1 = R"sql(
CREATE TABLE runs (run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, env TEXT, started_at TEXT,
  status TEXT, run_dir TEXT, config_hash TEXT);
CREATE INDEX runs_by_workflow ON runs (workflow, started_at);
CREATE TABLE metrics (run_id TEXT NOT NULL, name TEXT NOT NULL, value DOUBLE PRECISION,
  PRIMARY KEY (run_id, name));
)sql";

// Version 2: each shard of a sharded stage records its own row (RunContext merges them into
// the run's manifest), so shards on several machines never overwrite each other.
constexpr const char* kVersion2 = R"sql(
CREATE TABLE run_shards (run_id TEXT NOT NULL, stage TEXT NOT NULL, shard INTEGER NOT NULL,
  shard_count INTEGER NOT NULL, host TEXT NOT NULL, recorded_at TEXT NOT NULL,
  entry TEXT NOT NULL, PRIMARY KEY (run_id, stage, shard));
)sql";

constexpr PgMigration kMigrations[] = {{1, kVersion1}, {2, kVersion2}};
constexpr std::string_view kTables[] = {"runs", "metrics", "run_shards"};

const std::string kRunColumns = "run_id, workflow, env, started_at, status, run_dir, config_hash";

RunRow read_row(const PgResult& rows, int row) {
  return RunRow{rows.text(row, 0), rows.text(row, 1), rows.text(row, 2), rows.text(row, 3),
                rows.text(row, 4), rows.text(row, 5), rows.text(row, 6)};
}

class PgTrackingStore final : public TrackingStore {
 public:
  explicit PgTrackingStore(const PostgresLocation& location) : db_(location, "tracking store") {
    apply_pg_migrations(db_, "tracking", kMigrations, kTables);
  }

  void upsert_run(const RunRow& run) override {
    db_.query(
        "INSERT INTO runs (run_id, workflow, env, started_at, status, run_dir, config_hash) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id) DO UPDATE SET "
        "status = excluded.status, config_hash = excluded.config_hash",
        PgParams()
            .add(run.run_id)
            .add(run.workflow)
            .add(run.env)
            .add(run.started_at)
            .add(run.status)
            .add(run.run_dir)
            .add(run.config_hash));
  }

  void set_metrics(const std::string& run_id,
                   const std::map<std::string, double>& metrics) override {
    PgTransaction transaction(db_);
    for (const auto& [name, value] : metrics) {
      db_.query(
          "INSERT INTO metrics (run_id, name, value) VALUES ($1, $2, $3) "
          "ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value",
          PgParams().add(run_id).add(name).add_real_or_null(value));
    }
    transaction.commit();
  }

  std::map<std::string, double> metrics(const std::string& run_id) override {
    const PgResult rows =
        db_.query("SELECT name, value FROM metrics WHERE run_id = $1", PgParams().add(run_id));
    std::map<std::string, double> found;
    for (int row = 0; row < rows.rows(); ++row) found[rows.text(row, 0)] = rows.real(row, 1);
    return found;
  }

  std::optional<RunRow> latest_run(const std::string& workflow) override {
    const PgResult rows = db_.query("SELECT " + kRunColumns +
                                        " FROM runs WHERE workflow = $1 ORDER BY started_at "
                                        "DESC, run_id DESC LIMIT 1",
                                    PgParams().add(workflow));
    if (rows.rows() == 0) return std::nullopt;
    return read_row(rows, 0);
  }

  std::vector<RunRow> runs(const std::string& workflow) override {
    const PgResult rows = db_.query("SELECT " + kRunColumns +
                                        " FROM runs WHERE workflow = $1 ORDER BY started_at "
                                        "DESC, run_id DESC",
                                    PgParams().add(workflow));
    std::vector<RunRow> found;
    for (int row = 0; row < rows.rows(); ++row) found.push_back(read_row(rows, row));
    return found;
  }

  std::optional<RunRow> find_run(const std::string& run_id) override {
    const PgResult rows =
        db_.query("SELECT " + kRunColumns + " FROM runs WHERE run_id = $1", PgParams().add(run_id));
    if (rows.rows() == 0) return std::nullopt;
    return read_row(rows, 0);
  }

  void record_shard(const ShardRecord& shard) override {
    db_.query(
        "INSERT INTO run_shards (run_id, stage, shard, shard_count, host, recorded_at, entry) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id, stage, shard) DO UPDATE SET "
        "shard_count = excluded.shard_count, host = excluded.host, "
        "recorded_at = excluded.recorded_at, entry = excluded.entry",
        PgParams()
            .add(shard.run_id)
            .add(shard.stage)
            .add(shard.shard_index)
            .add(shard.shard_count)
            .add(shard.host)
            .add(shard.recorded_at)
            .add(shard.entry));
  }

  std::vector<ShardRecord> shards(const std::string& run_id) override {
    const PgResult rows = db_.query(
        "SELECT run_id, stage, shard, shard_count, host, recorded_at, entry FROM run_shards "
        "WHERE run_id = $1 ORDER BY stage, shard",
        PgParams().add(run_id));
    std::vector<ShardRecord> found;
    for (int row = 0; row < rows.rows(); ++row) {
      found.push_back({rows.text(row, 0), rows.text(row, 1), static_cast<int>(rows.integer(row, 2)),
                       static_cast<int>(rows.integer(row, 3)), rows.text(row, 4), rows.text(row, 5),
                       rows.text(row, 6)});
    }
    return found;
  }

 private:
  PgConnection db_;
};

}  // namespace

std::unique_ptr<TrackingStore> open_postgres_tracking_store(const PostgresLocation& location) {
  return std::make_unique<PgTrackingStore>(location);
}

}  // namespace mlops
