#pragma once
// The tracking store: an index of runs and their metrics (like MLflow's tracking store, but
// queryable). It is how a stage run alone finds the latest run of its workflow. SQLite is the
// embedded backend (store/sqlite/); the interface is what a PostgreSQL backend implements.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops {

/// One run as the tracking store indexes it.
struct RunRow {
  std::string run_id;
  std::string workflow;
  std::string env;
  std::string started_at;  // zero-padded microseconds since the epoch: sorts as text
  std::string status;      // running | ok | partial | failed | crashed | refused
  std::string run_dir;
  std::string config_hash;

  bool operator==(const RunRow&) const = default;
};

/// One shard's record of a stage of a run whose shards ran as separate processes (perhaps on
/// several machines): `mlops batch-predict --shard K/N`.
struct ShardRecord {
  std::string run_id;
  std::string stage;
  int shard_index = 0;
  int shard_count = 1;
  std::string host;
  std::string recorded_at;  // ISO 8601 UTC
  std::string entry;        // the shard's stage entry of the run manifest, as JSON text

  bool operator==(const ShardRecord&) const = default;
};

class TrackingStore {
 public:
  virtual ~TrackingStore() = default;
  /// Inserts the run, or updates the status and config hash of a run already indexed (its
  /// workflow, env, start time and folder never change). Throws IoError on a store failure.
  virtual void upsert_run(const RunRow& run) = 0;
  /// Sets the run's metrics; a metric set again replaces its value (NaN is stored as null).
  virtual void set_metrics(const std::string& run_id,
                           const std::map<std::string, double>& metrics) = 0;
  /// The run's metrics by name (null values read back as NaN); empty for an unknown run.
  virtual std::map<std::string, double> metrics(const std::string& run_id) = 0;
  /// The most recently started run of the workflow, if any.
  virtual std::optional<RunRow> latest_run(const std::string& workflow) = 0;
  /// Every run of the workflow, the most recently started first.
  virtual std::vector<RunRow> runs(const std::string& workflow) = 0;
  /// The run with this id, if indexed.
  virtual std::optional<RunRow> find_run(const std::string& run_id) = 0;
  /// Stores one shard's record (one row per run, stage and shard, in one statement, so
  /// shards recording at once never lose each other's); a shard recorded again replaces its
  /// row. Throws IoError on a store failure.
  virtual void record_shard(const ShardRecord& shard) = 0;
  /// The run's shard records, by stage and shard.
  virtual std::vector<ShardRecord> shards(const std::string& run_id) = 0;
};

}  // namespace mlops
