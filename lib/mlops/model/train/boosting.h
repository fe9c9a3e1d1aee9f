#pragma once
// The boosting loop and its per-round curve: the watched metric on the training rows and on a
// watched set (the validation rows carved from the training side, or else the holdout, which
// then only draws the curve). Early stopping needs each value as its round ends, so the loop
// measures them; without it the curve is measured once the model is trained, from its compiled
// trees (RoundScorer), with the same values and none of the cost inside the rounds.

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/model/task.h"
#include "mlops/model/train/params.h"
#include "mlops/model/xgb/collective.h"
#include "mlops/model/xgb/matrix.h"
#include "mlops/model/xgb/xgb.h"

namespace mlops {

/// train/curve.json: one value per round trained.
struct RoundCurve {
  std::string metric;
  std::string watched;  // "validation" or "holdout"
  std::vector<double> train;
  std::vector<double> watched_values;
  int best_round = 0;  // 1-based count of the rounds kept
  int rounds_trained = 0;
  bool stopped_early = false;
};

/// What the loop watches besides the fitted rows.
struct WatchedSet {
  /// Whether the watched set is validation rows (else the holdout).
  bool validation = false;
  /// Validation rows: indices into the training matrix (rows with weight 0 there), ascending.
  std::span<const size_t> rows;
  /// Or the holdout's features with its labels, when not `validation`.
  const FeatureMatrix* holdout = nullptr;
  std::span<const float> labels;
};

/// Rows the training line of the curve is measured on, at most (an even stride of the fitted
/// rows).
inline constexpr size_t kCurveRows = 250'000;

/// The rows of the training matrix the curve's training line is measured on, ascending: the
/// fitted rows (`fitted`, or all `rows` when it is empty), every one up to `cap`, else an
/// even stride of them.
std::vector<size_t> curve_rows(size_t rows, std::span<const size_t> fitted,
                               size_t cap = kCurveRows);

struct BoostingPlan {
  Task task;
  int num_class = 0;
  std::string metric;
  int rounds = 0;                       // at most
  int stopping_rounds = 0;              // 0: no early stopping
  std::span<const float> train_labels;  // of every row of the training matrix
  std::span<const size_t> fitted_rows;  // rows with weight 1; empty = all
  WatchedSet watched;
  /// The features of curve_rows(), in that order. With them, a holdout and no early stopping,
  /// the curve is measured after training when the compiled trees reproduce the model.
  const FeatureMatrix* curve_features = nullptr;
  /// Called after each boosting round with the number of rounds trained.
  std::function<void(int)> on_boosted;
  /// Called with the curve so far each time a round's values are measured: as the round ends,
  /// or round after round once the model is trained.
  std::function<void(const RoundCurve&)> on_round;
  /// Distributed training: the rows above are this worker's shard; the curve's values are
  /// measured over every worker's rows (gathered each round: as it ends with early stopping,
  /// so every worker stops at the same round, else once the model is trained, from its trees),
  /// identically on every worker. Null in one process.
  const Collective* collective = nullptr;
};

struct Boosted {
  RoundCurve curve;
  /// The trained model's holdout predictions when measuring the curve computed them (else
  /// empty): from the compiled trees, or XGBoost's cached predictions of the last round (for
  /// dart these round differently from a fresh prediction).
  std::vector<float> holdout_predictions;
};

/// Trains `booster` on `train` round by round (round 0 through begin_training, which names a
/// rejected parameter). With stopping_rounds, stops once the watched metric has not improved
/// for that many rounds; best_round is the round with the best watched value (the first of
/// equals), else the number of rounds trained. The booster keeps every round trained.
Boosted boost_rounds(Booster& booster, const DMatrix& train, const Params& params,
                     const TrainSpec& spec, const BoostingPlan& plan);

/// The values of `rows` of predictions laid out `width` per row.
std::vector<float> select_rows(std::span<const float> values, std::span<const size_t> rows,
                               size_t width);

}  // namespace mlops
