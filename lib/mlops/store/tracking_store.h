#pragma once
// The tracking store: an index of runs and their metrics in SQLite (the embedded default, like
// MLflow's file store but queryable). It is how a stage run alone finds the latest run of its
// workflow.

#include <map>
#include <optional>
#include <string>

#include "mlops/store/sqlite_db.h"

namespace mlops {

struct RunRow {
  std::string run_id;
  std::string workflow;
  std::string env;
  std::string started_at;
  std::string status;
  std::string run_dir;
  std::string config_hash;
};

class TrackingStore {
 public:
  /// Opens (creating) the database; throws IoError naming the path.
  explicit TrackingStore(const std::string& path);
  /// Inserts or updates the run's row.
  void upsert_run(const RunRow& run);
  void set_metrics(const std::string& run_id, const std::map<std::string, double>& metrics);
  /// The most recently started run of the workflow, if any.
  std::optional<RunRow> latest_run(const std::string& workflow);
  std::optional<RunRow> find_run(const std::string& run_id);

 private:
  SqliteDb db_;
};

}  // namespace mlops
