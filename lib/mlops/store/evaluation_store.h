#pragma once
// The evaluation store: every prediction batch-predict makes (model version, row key, a hash of
// the row's features, the prediction) and every prediction `mlops serve` answers (the same, plus
// request id, source and latency), labels that arrive later, and the live metrics computed by
// joining the two. Batch and served predictions are rows of one log, so a label joins either
// alike. SQLite is the embedded backend; the interface is what a PostgreSQL backend implements.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mlops/store/served_prediction.h"

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
  std::string source;  // "" for a batch-predict run's row; the served source otherwise
};

/// A served prediction with the id that makes storing it idempotent.
struct ServedLogEntry {
  std::string log_id;  // unique per served prediction (the logger assigns it)
  ServedPrediction prediction;
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
  /// Appends served predictions (`mlops serve`) in one transaction, each row as its
  /// `prediction.model` logs it; `served_at_us` is its scored_at. An entry whose log_id is
  /// already stored is skipped, so a batch written twice (a journal replayed again after a crash
  /// between the store's commit and the journal's removal) is stored once. Returns how many
  /// entries were new. Throws IoError when the store cannot be written (locked beyond the wait
  /// it was opened with, its file removed, unreachable): nothing of the batch is kept then.
  virtual size_t log_served_predictions(std::span<const ServedLogEntry> batch) = 0;
  /// Removes what one run logged (a run that failed or restarts its scoring), so nothing is
  /// logged twice or for predictions that were never written.
  virtual void discard_run(const std::string& model, const std::string& run_id) = 0;
  /// Stores labels by row key; a label arriving again for a key replaces the earlier one.
  virtual void add_labels(const std::string& model,
                          const std::vector<std::pair<std::string, std::string>>& key_labels) = 0;
  /// Predictions with a label, the latest prediction (by scored_at, then by when it was stored)
  /// per (version, row key), batch and served alike; served answers no model made (source
  /// "default", or no model version) are left out.
  virtual std::vector<LabelledPrediction> labelled(const std::string& model) = 0;
  /// A labelled row key that one batch-predict run logged more than once (id columns that are
  /// not a unique key, so its label cannot be joined to one prediction): the key, the run and
  /// how often. Served predictions repeat keys by nature (a key asked for twice) and are not
  /// ambiguous: the latest counts.
  virtual std::optional<AmbiguousKey> ambiguous_labelled_key(const std::string& model) = 0;
  /// Logged predictions, batch and served.
  virtual int64_t logged_count(const std::string& model) = 0;
  /// Logged predictions that `mlops serve` answered.
  virtual int64_t served_count(const std::string& model) = 0;
  /// Stored labels whose row key has at least one logged prediction.
  virtual int64_t matched_labels(const std::string& model) = 0;
  /// Replaces the metrics of the windows given.
  virtual void save_live_metrics(const std::string& model,
                                 const std::vector<LiveMetric>& metrics) = 0;
  /// All live metrics of the model, by version, window start and metric.
  virtual std::vector<LiveMetric> live_metrics(const std::string& model) = 0;
};

}  // namespace mlops
