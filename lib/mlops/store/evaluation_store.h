#pragma once
// The evaluation store: every prediction batch-predict makes (model version, row key, a hash of
// the row's features, the prediction), labels that arrive later, and the live metrics computed
// by joining the two. SQLite is the embedded backend; the interface is what a PostgreSQL backend
// implements.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlops {

/// One scored row as logged.
struct LoggedPrediction {
  std::string row_key;               // the id columns' values, joined by '|'
  uint64_t features_hash = 0;        // XXH3 of the row's feature values as scored
  std::string prediction;            // class name or value, as written to predictions.csv
  double score = 0;                  // P(positive class) (binary) or the value (regression)
  std::vector<float> probabilities;  // multiclass: one per class, in class order
};

/// A logged prediction with the label that arrived for its row.
struct LabelledPrediction {
  std::string model_version;
  int64_t scored_at = 0;  // microseconds since the epoch
  double score = 0;
  std::vector<float> probabilities;
  std::string label;
};

struct LiveMetric {
  std::string model_version;
  std::string window;        // 1h, 1d, 7d, 30d
  int64_t window_start = 0;  // microseconds since the epoch
  std::string metric;
  double value = 0;
  int64_t rows = 0;
};

/// A row key logged several times by one run.
struct AmbiguousKey {
  std::string row_key;
  std::string run_id;
  int64_t count = 0;
};

class EvaluationStore {
 public:
  virtual ~EvaluationStore() = default;
  /// Appends one batch in one transaction.
  virtual void log_predictions(const std::string& model, const std::string& model_version,
                               const std::string& run_id, int64_t scored_at,
                               const std::vector<LoggedPrediction>& batch) = 0;
  /// Removes what one run logged (a run that failed or restarts its scoring), so nothing is
  /// logged twice or for predictions that were never written.
  virtual void discard_run(const std::string& model, const std::string& run_id) = 0;
  /// Stores labels by row key; a label arriving again for a key replaces the earlier one.
  virtual void add_labels(const std::string& model,
                          const std::vector<std::pair<std::string, std::string>>& key_labels) = 0;
  /// Predictions with a label, the latest prediction per (version, row key).
  virtual std::vector<LabelledPrediction> labelled(const std::string& model) = 0;
  /// A labelled row key that one run logged more than once (id columns that are not a unique
  /// key, so its label cannot be joined to one prediction): the key, the run and how often.
  virtual std::optional<AmbiguousKey> ambiguous_labelled_key(const std::string& model) = 0;
  virtual int64_t logged_count(const std::string& model) = 0;
  /// Stored labels whose row key has at least one logged prediction.
  virtual int64_t matched_labels(const std::string& model) = 0;
  /// Replaces the metrics of the windows given.
  virtual void save_live_metrics(const std::string& model,
                                 const std::vector<LiveMetric>& metrics) = 0;
  /// All live metrics of the model, by version, window start and metric.
  virtual std::vector<LiveMetric> live_metrics(const std::string& model) = 0;
};

}  // namespace mlops
