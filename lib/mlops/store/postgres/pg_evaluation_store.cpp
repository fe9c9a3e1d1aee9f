// The evaluation store in PostgreSQL. Predictions arrive by COPY (one round trip a batch, well
// over 50,000 rows a second); served predictions go through a per-session temporary table and
// one INSERT ... ON CONFLICT (log_id) DO NOTHING, so a batch replayed from the journal is
// stored once however many replicas log at once. The id column orders rows as SQLite's rowid
// does (the join's tie-break).

#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/store/postgres/pg_schema.h"
#include "mlops/store/postgres/pg_stores.h"

namespace mlops {

namespace {

constexpr const char* kVersion1 = R"sql(
CREATE TABLE prediction_log (
  id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, model_version TEXT COLLATE "C" NOT NULL,
  run_id TEXT, row_key TEXT NOT NULL, features_hash TEXT NOT NULL, prediction TEXT,
  score DOUBLE PRECISION, probabilities REAL[], scored_at BIGINT NOT NULL, source TEXT,
  request_id TEXT, latency_ms DOUBLE PRECISION, log_id TEXT);
CREATE INDEX prediction_log_by_key ON prediction_log (model, row_key);
CREATE INDEX prediction_log_by_run ON prediction_log (model, run_id);
CREATE UNIQUE INDEX prediction_log_served ON prediction_log (log_id) WHERE log_id IS NOT NULL;
CREATE TABLE labels (
  model TEXT NOT NULL, row_key TEXT NOT NULL, label TEXT NOT NULL, received_at TEXT NOT NULL,
  PRIMARY KEY (model, row_key));
CREATE TABLE live_metrics (
  model TEXT NOT NULL, model_version TEXT COLLATE "C" NOT NULL, "window" TEXT COLLATE "C" NOT NULL,
  window_start BIGINT NOT NULL, metric TEXT COLLATE "C" NOT NULL, value DOUBLE PRECISION,
  "rows" BIGINT NOT NULL, evaluated_at TEXT NOT NULL,
  PRIMARY KEY (model, model_version, "window", window_start, metric));
)sql";

constexpr PgMigration kMigrations[] = {{1, kVersion1}};
constexpr std::string_view kTables[] = {"prediction_log", "labels", "live_metrics"};

constexpr const char* kServedColumns =
    "model, model_version, row_key, features_hash, prediction, score, probabilities, "
    "scored_at, source, request_id, latency_ms, log_id";

void copy_text(std::string& row, std::string_view value) {
  copy_text_field(row, value);
}

class PgEvaluationStore final : public EvaluationStore {
 public:
  PgEvaluationStore(const PostgresLocation& location, int lock_timeout_ms)
      : db_(location, "evaluation store", lock_timeout_ms) {
    apply_pg_migrations(db_, "evaluation", kMigrations, kTables);
  }

  size_t log_served_predictions(std::span<const ServedLogEntry> batch) override {
    if (batch.empty()) return 0;
    std::string rows;
    rows.reserve(batch.size() * 160);
    for (const ServedLogEntry& entry : batch) {
      const ServedPrediction& row = entry.prediction;
      copy_text(rows, row.model);
      rows += '\t';
      copy_text(rows, row.model_version);
      rows += '\t';
      copy_text(rows, row.row_key);
      fmt::format_to(std::back_inserter(rows), "\t{:016x}\t", row.features_hash);
      copy_text(rows, row.prediction);
      rows += '\t';
      copy_real_field(rows, row.score);
      rows += '\t';
      copy_floats_field(rows, row.probabilities);
      fmt::format_to(std::back_inserter(rows), "\t{}\t", row.served_at_us);
      copy_text(rows, row.source);
      rows += '\t';
      copy_text(rows, row.request_id);
      rows += '\t';
      copy_real_field(rows, row.latency_ms);
      rows += '\t';
      copy_text(rows, entry.log_id);
      rows += '\n';
    }
    PgTransaction transaction(db_);
    db_.exec(fmt::format(
        "CREATE TEMP TABLE IF NOT EXISTS served_incoming (model TEXT, model_version TEXT, "
        "row_key TEXT, features_hash TEXT, prediction TEXT, score DOUBLE PRECISION, "
        "probabilities REAL[], scored_at BIGINT, source TEXT, request_id TEXT, "
        "latency_ms DOUBLE PRECISION, log_id TEXT) ON COMMIT DELETE ROWS"));
    db_.copy_in(fmt::format("COPY served_incoming ({}) FROM STDIN", kServedColumns), rows);
    const PgResult added =
        db_.query(fmt::format("INSERT INTO prediction_log ({0}) SELECT {0} FROM served_incoming "
                              "ON CONFLICT (log_id) WHERE log_id IS NOT NULL DO NOTHING",
                              kServedColumns));
    transaction.commit();
    return static_cast<size_t>(added.affected());
  }

  void log_predictions(const std::string& model, const std::string& model_version,
                       const std::string& run_id, int64_t scored_at,
                       const std::vector<LoggedPrediction>& batch) override {
    if (batch.empty()) return;
    // The columns every row shares, escaped once.
    std::string prefix;
    copy_text(prefix, model);
    prefix += '\t';
    copy_text(prefix, model_version);
    prefix += '\t';
    copy_text(prefix, run_id);
    prefix += '\t';
    std::string rows;
    rows.reserve(batch.size() * (prefix.size() + 64));
    for (const LoggedPrediction& row : batch) {
      rows += prefix;
      copy_text(rows, row.row_key);
      fmt::format_to(std::back_inserter(rows), "\t{:016x}\t", row.features_hash);
      copy_text(rows, row.prediction);
      rows += '\t';
      copy_real_field(rows, row.score);
      rows += '\t';
      copy_floats_field(rows, row.probabilities);
      fmt::format_to(std::back_inserter(rows), "\t{}\n", scored_at);
    }
    PgTransaction transaction(db_);
    db_.copy_in(
        "COPY prediction_log (model, model_version, run_id, row_key, features_hash, prediction, "
        "score, probabilities, scored_at) FROM STDIN",
        rows);
    transaction.commit();
  }

  void discard_run(const std::string& model, const std::string& run_id) override {
    db_.query("DELETE FROM prediction_log WHERE model = $1 AND run_id = $2",
              PgParams().add(model).add(run_id));
  }

  void add_labels(const std::string& model,
                  const std::vector<std::pair<std::string, std::string>>& key_labels) override {
    if (key_labels.empty()) return;
    // One upsert may not touch a key twice: the last label of a key given twice wins, as it
    // would arriving later.
    std::unordered_map<std::string_view, size_t> last;
    for (size_t i = 0; i < key_labels.size(); ++i) last[key_labels[i].first] = i;
    const std::string now = format_iso8601(now_micros());
    std::string rows;
    for (size_t i = 0; i < key_labels.size(); ++i) {
      if (last[key_labels[i].first] != i) continue;
      copy_text(rows, model);
      rows += '\t';
      copy_text(rows, key_labels[i].first);
      rows += '\t';
      copy_text(rows, key_labels[i].second);
      rows += '\t';
      rows += now;
      rows += '\n';
    }
    PgTransaction transaction(db_);
    db_.exec(
        "CREATE TEMP TABLE IF NOT EXISTS labels_incoming (model TEXT, row_key TEXT, label TEXT, "
        "received_at TEXT) ON COMMIT DELETE ROWS");
    db_.copy_in("COPY labels_incoming (model, row_key, label, received_at) FROM STDIN", rows);
    db_.exec(
        "INSERT INTO labels (model, row_key, label, received_at) SELECT model, row_key, label, "
        "received_at FROM labels_incoming ON CONFLICT (model, row_key) DO UPDATE SET "
        "label = excluded.label, received_at = excluded.received_at");
    transaction.commit();
  }

  std::vector<LabelledPrediction> labelled(const std::string& model) override {
    const PgResult rows = db_.query(
        "SELECT model_version, scored_at, score, probabilities, label, source FROM (SELECT "
        "p.model_version, p.scored_at, p.score, p.probabilities, l.label, p.source, "
        "ROW_NUMBER() OVER (PARTITION BY p.model_version, p.row_key ORDER BY p.scored_at DESC, "
        "p.id DESC) AS latest FROM prediction_log p JOIN labels l ON l.model = p.model AND "
        "l.row_key = p.row_key WHERE p.model = $1 AND (p.source IS NULL OR p.source <> "
        "'default') AND p.model_version <> '') AS ranked WHERE latest = 1 ORDER BY "
        "model_version, scored_at",
        PgParams().add(model));
    std::vector<LabelledPrediction> found;
    found.reserve(static_cast<size_t>(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) {
      found.push_back({rows.text(row, 0), rows.integer(row, 1), rows.real(row, 2),
                       floats_from_array(rows.text(row, 3)), rows.text(row, 4), rows.text(row, 5)});
    }
    return found;
  }

  std::optional<AmbiguousKey> ambiguous_labelled_key(const std::string& model) override {
    const PgResult rows = db_.query(
        "SELECT p.row_key, p.run_id, COUNT(*) FROM labels l JOIN prediction_log p ON "
        "p.model = l.model AND p.row_key = l.row_key WHERE l.model = $1 AND p.run_id IS NOT "
        "NULL GROUP BY p.run_id, p.model_version, p.row_key HAVING COUNT(*) > 1 "
        "ORDER BY MIN(p.id) LIMIT 1",
        PgParams().add(model));
    if (rows.rows() == 0) return std::nullopt;
    return AmbiguousKey{rows.text(0, 0), rows.text(0, 1), rows.integer(0, 2)};
  }

  int64_t logged_count(const std::string& model) override {
    return db_.query("SELECT COUNT(*) FROM prediction_log WHERE model = $1", PgParams().add(model))
        .integer(0, 0);
  }

  int64_t served_count(const std::string& model) override {
    return db_
        .query("SELECT COUNT(*) FROM prediction_log WHERE model = $1 AND log_id IS NOT NULL",
               PgParams().add(model))
        .integer(0, 0);
  }

  int64_t matched_labels(const std::string& model) override {
    return db_
        .query(
            "SELECT COUNT(*) FROM labels l WHERE l.model = $1 AND EXISTS (SELECT 1 FROM "
            "prediction_log p WHERE p.model = l.model AND p.row_key = l.row_key)",
            PgParams().add(model))
        .integer(0, 0);
  }

  void save_live_metrics(const std::string& model,
                         const std::vector<LiveMetric>& metrics) override {
    const std::string now = format_iso8601(now_micros());
    PgTransaction transaction(db_);
    for (const LiveMetric& metric : metrics) {
      db_.query(
          "INSERT INTO live_metrics (model, model_version, \"window\", window_start, metric, "
          "value, \"rows\", evaluated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT "
          "(model, model_version, \"window\", window_start, metric) DO UPDATE SET value = "
          "excluded.value, \"rows\" = excluded.\"rows\", evaluated_at = excluded.evaluated_at",
          PgParams()
              .add(model)
              .add(metric.model_version)
              .add(metric.window)
              .add(metric.window_start)
              .add(metric.metric)
              .add_real_or_null(metric.value)
              .add(metric.rows)
              .add(now));
    }
    transaction.commit();
  }

  std::vector<LiveMetric> live_metrics(const std::string& model) override {
    const PgResult rows = db_.query(
        "SELECT model_version, \"window\", window_start, metric, value, \"rows\" FROM "
        "live_metrics WHERE model = $1 ORDER BY model_version, \"window\", window_start, metric",
        PgParams().add(model));
    std::vector<LiveMetric> found;
    for (int row = 0; row < rows.rows(); ++row) {
      found.push_back({rows.text(row, 0), rows.text(row, 1), rows.integer(row, 2),
                       rows.text(row, 3), rows.real(row, 4), rows.integer(row, 5)});
    }
    return found;
  }

 private:
  PgConnection db_;
};

}  // namespace

std::unique_ptr<EvaluationStore> open_postgres_evaluation_store(const PostgresLocation& location,
                                                                int lock_timeout_ms) {
  return std::make_unique<PgEvaluationStore>(location, lock_timeout_ms);
}

}  // namespace mlops
