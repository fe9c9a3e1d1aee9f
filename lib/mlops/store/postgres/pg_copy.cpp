// A SQLite store copied into PostgreSQL table by table, in one PostgreSQL transaction: the
// source is read with SQL (the stores' interfaces have no "everything" queries), the
// destination written with ON CONFLICT DO NOTHING and existence checks, so a second copy adds
// nothing.

#include "mlops/store/postgres/pg_copy.h"

#include <cstring>
#include <filesystem>
#include <set>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/store/artifact_files.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/postgres/pg_stores.h"
#include "mlops/store/sqlite/sqlite_db.h"
#include "mlops/store/sqlite/sqlite_stores.h"
#include "mlops/store/store_admin.h"

namespace mlops {

namespace {

namespace fs = std::filesystem;

/// Counts a row as copied or as already there.
void count(int64_t affected, int64_t& copied, CopyCounts& counts) {
  copied += affected;
  counts.already_there += affected == 0 ? 1 : 0;
}

std::optional<std::string> text_or_null(const SqliteStatement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.text(column);
}

PgParams& add_nullable(PgParams& params, const std::optional<std::string>& value) {
  return value ? params.add(*value) : params.add_null();
}

void copy_runs(SqliteDb& source, PgConnection& target, CopyCounts& counts) {
  SqliteStatement runs(source,
                       "SELECT run_id, workflow, env, started_at, status, run_dir, config_hash "
                       "FROM runs ORDER BY started_at, run_id");
  while (runs.step()) {
    PgParams params;
    for (int column = 0; column < 7; ++column) add_nullable(params, text_or_null(runs, column));
    count(target
              .query("INSERT INTO runs (run_id, workflow, env, started_at, status, run_dir, "
                     "config_hash) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id) DO "
                     "NOTHING",
                     params)
              .affected(),
          counts.runs, counts);
  }
  SqliteStatement metrics(source, "SELECT run_id, name, value FROM metrics");
  while (metrics.step()) {
    count(target
              .query("INSERT INTO metrics (run_id, name, value) VALUES ($1, $2, $3) ON CONFLICT "
                     "(run_id, name) DO NOTHING",
                     PgParams()
                         .add(metrics.text(0))
                         .add(metrics.text(1))
                         .add_real_or_null(metrics.real(2)))
              .affected(),
          counts.metrics, counts);
  }
  // The shard records of sharded stages go with their runs (a file older than tracking
  // schema v2 has none).
  SqliteStatement has_shards(
      source, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'run_shards'");
  if (!has_shards.step() || has_shards.integer(0) == 0) return;
  SqliteStatement shards(source,
                         "SELECT run_id, stage, shard, shard_count, host, recorded_at, entry "
                         "FROM run_shards");
  int64_t shards_copied = 0;
  while (shards.step()) {
    count(target
              .query("INSERT INTO run_shards (run_id, stage, shard, shard_count, host, "
                     "recorded_at, entry) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT "
                     "(run_id, stage, shard) DO NOTHING",
                     PgParams()
                         .add(shards.text(0))
                         .add(shards.text(1))
                         .add(shards.integer(2))
                         .add(shards.integer(3))
                         .add(shards.text(4))
                         .add(shards.text(5))
                         .add(shards.text(6)))
              .affected(),
          shards_copied, counts);
  }
}

void copy_registry(SqliteDb& source, PgConnection& target, const Settings& to, CopyCounts& counts) {
  const bool in_database = to.store_artifacts != "models_dir";
  SqliteStatement versions(source,
                           "SELECT model, version, run_id, created_at, artifact_dir, metrics, "
                           "meta FROM model_versions ORDER BY model, version");
  while (versions.step()) {
    const std::string model = versions.text(0);
    const int version = static_cast<int>(versions.integer(1));
    const std::string run_id = versions.text(2);
    const PgResult existing =
        target.query("SELECT run_id FROM model_versions WHERE model = $1 AND version = $2",
                     PgParams().add(model).add(version));
    if (existing.rows() > 0) {
      if (existing.text(0, 0) != run_id) {
        throw ConfigError(
            "store copy: {} already has {} v{} from run '{}', not the source's run '{}': the "
            "destination has a history of its own; copy into an empty database",
            target.location().display, model, version, existing.text(0, 0), run_id);
      }
      ++counts.already_there;
      continue;
    }
    const std::string from_dir = versions.text(4);
    std::string artifact_dir = from_dir;
    if (!in_database) {
      check_model_name(model);
      artifact_dir = (fs::absolute(to.models_dir) / model / fmt::format("v{}", version)).string();
      copy_artifacts(from_dir, artifact_dir);
    }
    target.query(
        "INSERT INTO model_versions (model, version, run_id, created_at, artifact_dir, metrics, "
        "meta) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        PgParams()
            .add(model)
            .add(version)
            .add(run_id)
            .add(versions.text(3))
            .add(artifact_dir)
            .add(versions.text(5))
            .add(versions.text(6)));
    if (in_database) {
      std::error_code error;
      if (!fs::is_directory(from_dir, error)) {
        throw IoError("store copy: the files of {} v{} are missing: {} is not a folder", model,
                      version, from_dir);
      }
      for (const auto& entry : fs::directory_iterator(from_dir)) {
        if (!entry.is_regular_file()) continue;
        store_artifact_file(target, model, version, entry.path().filename().string(),
                            read_file(entry.path().string()));
      }
    }
    ++counts.versions;
  }

  // The history first, in its order; an entry already there (same change at the same time) is
  // not appended again.
  SqliteStatement history(source,
                          "SELECT model, alias, version, previous_version, action, reason, "
                          "changed_at FROM model_alias_history ORDER BY id");
  while (history.step()) {
    PgParams params;
    params.add(history.text(0)).add(history.text(1)).add(history.integer(2));
    params.add(history.integer(3)).add(history.text(4)).add(history.text(5)).add(history.text(6));
    count(target
              .query("INSERT INTO model_alias_history (model, alias, version, previous_version, "
                     "action, reason, changed_at) SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT "
                     "EXISTS (SELECT 1 FROM model_alias_history WHERE model = $1 AND alias = $2 "
                     "AND version = $3 AND previous_version = $4 AND action = $5 AND reason = $6 "
                     "AND changed_at = $7)",
                     params)
              .affected(),
          counts.alias_changes, counts);
  }
  SqliteStatement aliases(source, "SELECT model, alias, version, updated_at FROM model_aliases");
  while (aliases.step()) {
    target.query(
        "INSERT INTO model_aliases (model, alias, version, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (model, alias) DO NOTHING",
        PgParams()
            .add(aliases.text(0))
            .add(aliases.text(1))
            .add(aliases.integer(2))
            .add(aliases.text(3)));
  }
}

std::vector<float> floats_from_blob(const std::string& blob) {
  std::vector<float> values(blob.size() / sizeof(float));
  if (!values.empty()) std::memcpy(values.data(), blob.data(), values.size() * sizeof(float));
  return values;
}

constexpr const char* kLogColumns =
    "model, model_version, run_id, row_key, features_hash, prediction, score, probabilities, "
    "scored_at, source, request_id, latency_ms, log_id";

/// One prediction_log row (kLogColumns, in order) as a COPY text line.
void append_log_row(const SqliteStatement& row, std::string& out) {
  for (int column = 0; column < 13; ++column) {
    if (column) out += '\t';
    if (row.is_null(column)) {
      out += "\\N";
    } else if (column == 6 || column == 11) {
      copy_real_field(out, row.real(column));
    } else if (column == 7) {
      copy_floats_field(out, floats_from_blob(row.blob(column)));
    } else {
      copy_text_field(out, row.text(column));
    }
  }
  out += '\n';
}

void copy_predictions(SqliteDb& source, PgConnection& target, CopyCounts& counts) {
  // Batch rows run by run: a run the destination already has is skipped whole.
  SqliteStatement runs(source,
                       "SELECT model, run_id, COUNT(*) FROM prediction_log WHERE run_id IS NOT "
                       "NULL GROUP BY model, run_id ORDER BY MIN(rowid)");
  SqliteStatement rows(source, fmt::format("SELECT {} FROM prediction_log WHERE model = ?1 AND "
                                           "run_id = ?2 ORDER BY rowid",
                                           kLogColumns));
  while (runs.step()) {
    const PgResult there =
        target.query("SELECT 1 FROM prediction_log WHERE model = $1 AND run_id = $2 LIMIT 1",
                     PgParams().add(runs.text(0)).add(runs.text(1)));
    if (there.rows() > 0) {
      counts.already_there += runs.integer(2);
      continue;
    }
    std::string data;
    rows.reset();
    rows.bind(1, runs.text(0)).bind(2, runs.text(1));
    while (rows.step()) append_log_row(rows, data);
    counts.predictions +=
        target.copy_in(fmt::format("COPY prediction_log ({}) FROM STDIN", kLogColumns), data);
  }
  // Served rows by log id.
  std::string data;
  int64_t served = 0;
  SqliteStatement served_rows(source, fmt::format("SELECT {} FROM prediction_log WHERE log_id "
                                                  "IS NOT NULL ORDER BY rowid",
                                                  kLogColumns));
  while (served_rows.step()) {
    append_log_row(served_rows, data);
    ++served;
  }
  if (served > 0) {
    target.exec(
        "CREATE TEMP TABLE copy_incoming ON COMMIT DROP AS SELECT model, model_version, run_id, "
        "row_key, features_hash, prediction, score, probabilities, scored_at, source, "
        "request_id, latency_ms, log_id FROM prediction_log WITH NO DATA");
    target.copy_in(fmt::format("COPY copy_incoming ({}) FROM STDIN", kLogColumns), data);
    const int64_t added =
        target
            .query(fmt::format("INSERT INTO prediction_log ({0}) SELECT {0} FROM copy_incoming "
                               "ON CONFLICT (log_id) WHERE log_id IS NOT NULL DO NOTHING",
                               kLogColumns))
            .affected();
    counts.predictions += added;
    counts.already_there += served - added;
  }

  SqliteStatement labels(source, "SELECT model, row_key, label, received_at FROM labels");
  while (labels.step()) {
    count(target
              .query("INSERT INTO labels (model, row_key, label, received_at) VALUES ($1, $2, "
                     "$3, $4) ON CONFLICT (model, row_key) DO NOTHING",
                     PgParams()
                         .add(labels.text(0))
                         .add(labels.text(1))
                         .add(labels.text(2))
                         .add(labels.text(3)))
              .affected(),
          counts.labels, counts);
  }
  SqliteStatement metrics(source,
                          "SELECT model, model_version, window, window_start, metric, value, "
                          "rows, evaluated_at FROM live_metrics");
  while (metrics.step()) {
    count(target
              .query("INSERT INTO live_metrics (model, model_version, \"window\", window_start, "
                     "metric, value, \"rows\", evaluated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                     "$8) ON CONFLICT (model, model_version, \"window\", window_start, metric) "
                     "DO NOTHING",
                     PgParams()
                         .add(metrics.text(0))
                         .add(metrics.text(1))
                         .add(metrics.text(2))
                         .add(metrics.integer(3))
                         .add(metrics.text(4))
                         .add_real_or_null(metrics.real(5))
                         .add(metrics.integer(6))
                         .add(metrics.text(7)))
              .affected(),
          counts.live_metrics, counts);
  }
}

}  // namespace

CopyCounts copy_sqlite_to_postgres(const std::string& sqlite_path, const Settings& to) {
  std::error_code error;
  if (!fs::is_regular_file(sqlite_path, error)) {
    throw ConfigError("store copy --from: '{}' is not a SQLite store file", sqlite_path);
  }
  const StoreLocation destination = parse_store_url(to.store_url, "store copy --to");
  if (destination.backend != StoreBackend::kPostgres) {
    throw ConfigError("store copy --to: expected a postgresql:// URL");
  }
  // Both sides at the current schema first (an older source file gains the newer columns).
  open_sqlite_tracking_store(sqlite_path);
  open_sqlite_evaluation_store(sqlite_path);
  migrate_stores(to);

  SqliteDb source(sqlite_path, "source store");
  PgConnection target(destination.postgres, "destination store");
  CopyCounts counts;
  PgTransaction transaction(target);
  transaction.lock("mlops.store_copy");
  {
    SqliteStatement tables(source, "SELECT name FROM sqlite_master WHERE type = 'table'");
    std::set<std::string> names;
    while (tables.step()) names.insert(tables.text(0));
    copy_runs(source, target, counts);
    if (names.count("model_versions")) copy_registry(source, target, to, counts);
    copy_predictions(source, target, counts);
  }
  transaction.commit();
  return counts;
}

}  // namespace mlops
