#pragma once
// Live metrics (`mlops evaluate`): labels that arrive after scoring are stored by row key,
// joined with the predictions logged in the evaluation store (by batch-predict runs and by
// `mlops serve` alike), and scored per model version and time window (of scored_at) with each
// version's own label encoding (its feature state).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/store/evaluation_store.h"

namespace mlops {

/// What one `mlops evaluate` did: labels read and matched, predictions joined, metrics.
struct LiveEvaluation {
  size_t labels_read = 0;           // rows of the labels file with a label
  size_t labels_matched = 0;        // stored labels (all files so far) whose key was scored
  size_t joined = 0;                // labelled predictions evaluated (all versions)
  size_t joined_online = 0;         // of them, served by `mlops serve`
  size_t joined_batch = 0;          // of them, logged by batch-predict runs
  std::vector<LiveMetric> metrics;  // this evaluation's windows, and "all" per version
};

/// Reads the labels file (CSV, TSV, JSON, JSON Lines; the id columns of predict.id_columns and
/// the label as featurize.label defines it, a column or an expression of columns), stores the
/// labels and recomputes the live metrics of every version. `window` is 1h, 1d, 7d or 30d.
/// Throws ConfigError without predict.id_columns, DataError naming a missing column.
LiveEvaluation evaluate_labels(const Workflow& workflow, const std::string& labels_path,
                               const std::string& window);

/// As data: [{model_version, window, window_start (ISO 8601; null for "all"), metric, value,
/// rows}] (`mlops evaluate --format json` and the report).
nlohmann::json live_metrics_json(const std::vector<LiveMetric>& metrics);

/// A table for the terminal: version, window start, rows and each metric.
std::string format_live_metrics(const std::vector<LiveMetric>& metrics);

}  // namespace mlops
