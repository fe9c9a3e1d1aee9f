#pragma once
// Fits XGBoost round by round on a seeded split and measures the holdout with our own metrics,
// next to a baseline fitted on the same training rows; optionally early stopping on a
// validation set carved from the training side and k-fold cross-validation.

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/model/baseline/baseline.h"
#include "mlops/model/metrics/confusion.h"
#include "mlops/model/task.h"
#include "mlops/model/train/boosting.h"
#include "mlops/model/train/cross_validation.h"
#include "mlops/model/train/row_split.h"
#include "mlops/model/xgb/matrix.h"

namespace mlops {

struct TrainResult {
  Task task;
  int num_class = 0;           // classes for multiclass, 2 for binary, 0 for regression
  size_t train_rows = 0;       // the training side, validation rows included
  size_t validation_rows = 0;  // carved from it for early stopping (0 without)
  size_t holdout_rows = 0;
  /// Holdout metrics by stable name (task_metric_names()).
  std::map<std::string, double> holdout_metrics;
  /// Classification: holdout counts[actual][predicted].
  ConfusionMatrix confusion;
  /// The baseline fitted on the training side, and its holdout metrics (the same names).
  BaselineModel baseline;
  std::map<std::string, double> baseline_metrics;
  RoundCurve curve;
  /// Cross-validation per metric; empty unless spec.cv_folds >= 2.
  std::map<std::string, FoldMetric> cv;
  /// The holdout labels and the saved model's predictions (Booster::predict layout), for the
  /// evaluation summaries.
  std::vector<float> holdout_labels;
  std::vector<float> holdout_predictions;
  std::vector<std::pair<std::string, double>> importance;  // gain, descending
};

struct TrainOptions {
  /// For a group split: each row's group hash (indexed like the labels). The validation set
  /// and the cross-validation folds then keep groups whole.
  std::span<const uint64_t> groups;
  /// Called after each boosting round of the final model with the rounds trained so far.
  std::function<void(int)> on_boosted;
  /// Called with the final model's curve so far each time a round's values are measured: as
  /// the round ends with early stopping, else once training is done, round after round.
  std::function<void(const RoundCurve&)> on_round;
  /// Without early stopping the curve is measured after training, from the trees, when the
  /// training side has more rows than this (in distributed training, always). Below it the
  /// curve's training rows are every row, whose predictions the booster's cache holds each
  /// round almost for free. (Tests lower it to reach the other path on small data.)
  size_t curve_after_rows = kCurveRows;
  /// Called after each cross-validation fold with the number of folds done.
  std::function<void(int)> on_fold;
  /// Distributed training (XGBoost's collective joined): the rows are this worker's shard of
  /// the table, and the result is the whole job's: XGBoost grows the same trees on every
  /// worker, and the row counts, base score, validation and holdout metrics, curve, early
  /// stopping and baseline are computed over every worker's rows (gathered), identically on
  /// every worker. Each worker carves its validation rows from its own shard and contributes
  /// 1/N of the curve's and the baseline's sample. Without early stopping the curve's values
  /// are gathered after training, round by round, not during the rounds. Only the hist tree method,
  /// no cross-validation (ConfigError); a model that differs between workers is a ModelError. An
  /// empty model path then saves nothing (the workers other than rank 0).
  const Collective* collective = nullptr;
};

/// Throws ConfigError when `spec` cannot train distributed: cross-validation (train.cv.folds)
/// or a tree method other than hist, or gblinear (train.params.tree_method).
void check_distributed_spec(const TrainSpec& spec);

/// Splits rows (stratified by class for classification), trains up to spec.rounds rounds with
/// spec.params (seed = spec.split.seed unless params set one; nthread defaults to 2), saves the
/// model as XGBoost JSON to `model_path` atomically (only the rounds kept: the best round with
/// early stopping), and returns metrics, curve, baseline and importance.
/// `labels`: class index 0..num_class-1 for classification, the target for regression.
/// Throws ConfigError for a bad parameter (naming train.params.<name>) or metric and
/// ModelError for other XGBoost failures.
TrainResult train_xgboost(const FeatureMatrix& features, const std::vector<float>& labels,
                          const TrainSpec& spec, int num_class, const std::string& model_path);

/// The same on a split the caller made (row indices into `features`, e.g. shared with
/// featurize so transforms are fitted on training rows only). Rows in neither side, such as
/// rows with a null label, are not used and their labels are not checked; spec.split only
/// supplies the default seed.
TrainResult train_xgboost(const FeatureMatrix& features, const std::vector<float>& labels,
                          const SplitIndices& split, const TrainSpec& spec, int num_class,
                          const std::string& model_path, const TrainOptions& options = {});

/// The same on the named numeric columns of a table, fed to XGBoost in batches. The table is
/// consumed: it is freed once XGBoost's copy of the training rows is built (with the hist tree
/// method, the default, a quantized one), before the boosting rounds; the holdout rows and the
/// baseline's sample are kept as float copies.
TrainResult train_xgboost(Table&& features, const std::vector<std::string>& names,
                          const std::vector<float>& labels, const SplitIndices& split,
                          const TrainSpec& spec, int num_class, const std::string& model_path,
                          const TrainOptions& options = {});

}  // namespace mlops
