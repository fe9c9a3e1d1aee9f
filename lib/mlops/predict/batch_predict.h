#pragma once
// Batch scoring of one input file with a ScoringEngine: a plain CSV / TSV is streamed in 4 MB
// windows (its shard cut by the reader), other inputs are read whole (a shard is then cut from
// the scored rows). While one window is scored, the previous one's predictions are written on a
// second thread to a file that appears only when all are written. Along the way: the built-in
// and declared predict contracts are checked batch by batch, the scored features' drift against
// the training profile is accumulated, and every prediction is logged to the evaluation store.
// Peak memory is about one window, whatever the input size.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlops/contracts/check.h"
#include "mlops/io/read_result.h"
#include "mlops/predict/scoring_engine.h"
#include "mlops/store/evaluation_store.h"

namespace mlops {

/// What to score.
struct BatchInput {
  std::string path;
  /// How to read `path` window by window, when it is a plain CSV / TSV; nullopt otherwise.
  std::optional<ReadOptions> csv;
  /// Reads the whole input with its bad records: used when `csv` is unset, or when the
  /// engine's features are not row-independent (every row must then be scored at once).
  std::function<ReadResult()> read_whole;
};

/// Where the results go.
struct BatchOutputs {
  /// The predictions (CSV with its schema sidecar), replaced atomically when all are written.
  std::string predictions;
  /// Also a copy of the predictions here, when not empty.
  std::string copy;
  /// drift.json: every scored feature's drift against the model's profile.json (written when
  /// the model has a profile or the contract checks drift).
  std::string drift;
  /// The input records that could not be typed (JSON Lines).
  std::string quarantine;
  /// Write the quarantine file even when no record went there (false: only when some did).
  bool quarantine_when_empty = true;
};

/// Where the predictions are logged for evaluation (`mlops evaluate` joins labels later).
struct PredictionLogTarget {
  EvaluationStore* store = nullptr;  // null: not logged
  std::string model;                 // the registered model's name
  std::string run_id;                // the run that scores; what it logged before is replaced
};

/// How to score: the row key, the timestamp, the shard, the checks and the prediction log.
struct BatchPredictOptions {
  /// Input columns copied next to each prediction (and the prediction log's row key).
  std::vector<std::string> id_columns;
  /// The scored_at of every row, microseconds since the epoch.
  int64_t scored_at_micros = 0;
  /// Score only shard `shard_index` of `shard_count`.
  size_t shard_index = 0;
  size_t shard_count = 1;
  /// The declared predict contract: its columns check the predictions, its drift section the
  /// scored features (against `drift.reference`, default the model's profile.json).
  std::optional<Contract> contract;
  PredictionLogTarget log;
};

/// What one batch_predict() wrote and checked (a stage record is filled from it).
struct BatchPredictResult {
  size_t input_rows = 0;   // rows scored (of the shard), bad records excluded
  size_t rows = 0;         // rows written to the predictions file
  size_t columns = 0;      // its columns
  size_t quarantined = 0;  // input records sent to quarantine
  /// Files written, in this order: predictions, the copy, quarantine, drift.
  std::vector<std::string> outputs;
  /// The built-in predict contract (the row count first), the declared contract's columns, and
  /// its drift section ("<contract> (drift of scored features)"), each when checked.
  std::vector<ContractReport> contracts;
};

/// Scores `input` with `engine` into `outputs`. On failure nothing is left logged for this run
/// and the predictions file is not replaced. Throws what reading (IoError, DataError), scoring
/// (DataError naming a missing column) and writing (IoError) throw; contract violations are
/// reported in the result, not thrown.
BatchPredictResult batch_predict(const ScoringEngine& engine, const BatchInput& input,
                                 const BatchOutputs& outputs, const BatchPredictOptions& options);

}  // namespace mlops
