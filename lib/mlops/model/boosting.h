#pragma once
// The boosting loop, round by round: after each round the watched metric is computed by our own
// code on the training rows and on a watched set (the validation rows carved from the training
// side, or else the holdout, which then only draws the curve), for the per-round curve and for
// early stopping.

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/model/params.h"
#include "mlops/model/task.h"
#include "mlops/model/xgb.h"

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
  /// Validation rows: indices into the training matrix (rows with weight 0 there), ascending.
  std::span<const size_t> rows;
  /// Or a separate matrix (the holdout) with its labels, when `rows` is empty.
  const DMatrix* matrix = nullptr;
  std::span<const float> labels;
};

/// Rows the training line of the curve is measured on, at most (an even stride of the fitted
/// rows).
inline constexpr size_t kCurveRows = 250'000;

struct BoostingPlan {
  Task task;
  int num_class = 0;
  std::string metric;
  int rounds = 0;                       // at most
  int stopping_rounds = 0;              // 0: no early stopping
  std::span<const float> train_labels;  // of every row of the training matrix
  std::span<const size_t> fitted_rows;  // rows with weight 1; empty = all
  WatchedSet watched;
  /// Called after each round with the curve so far.
  std::function<void(const RoundCurve&)> on_round;
};

/// Trains `booster` on `train` round by round (round 0 through begin_training, which names a
/// rejected parameter). With stopping_rounds, stops once the watched metric has not improved
/// for that many rounds; best_round is the round with the best watched value (the first of
/// equals), else the number of rounds trained. The booster keeps every round trained.
RoundCurve boost_rounds(Booster& booster, const DMatrix& train, const Params& params,
                        const TrainSpec& spec, const BoostingPlan& plan);

/// The values of `rows` of predictions laid out `width` per row.
std::vector<float> select_rows(std::span<const float> values, std::span<const size_t> rows,
                               size_t width);

}  // namespace mlops
