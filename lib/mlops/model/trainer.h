#pragma once
// Fits XGBoost round by round on a seeded split and measures the holdout with our own metrics.

#include <map>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/model/matrix.h"
#include "mlops/model/split.h"
#include "mlops/model/task.h"

namespace mlops {

struct TrainResult {
  Task task;
  int num_class = 0;  // classes for multiclass, 2 for binary, 0 for regression
  size_t train_rows = 0;
  size_t holdout_rows = 0;
  /// Holdout metrics by stable name. Classification: accuracy, logloss (and auc for binary);
  /// regression: rmse, mae, r2.
  std::map<std::string, double> holdout_metrics;
  /// The same metrics for a trivial baseline on the same split (majority class / class
  /// priors, or the training mean), so a report can show the lift.
  std::map<std::string, double> baseline_metrics;
  std::vector<std::pair<std::string, double>> importance;  // gain, descending
};

/// Splits rows (stratified by class for classification), trains spec.rounds rounds with
/// spec.params (seed = spec.split.seed unless params set one; nthread defaults to 2), saves the
/// model as XGBoost JSON to `model_path` atomically, and returns metrics and importance.
/// `labels`: class index 0..num_class-1 for classification, the target for regression.
/// Throws ConfigError for a bad parameter (naming train.params.<name>) and ModelError for
/// other XGBoost failures.
TrainResult train_xgboost(const FeatureMatrix& features, const std::vector<float>& labels,
                          const TrainSpec& spec, int num_class, const std::string& model_path);

/// The same on a split the caller made (row indices into `features`, e.g. shared with
/// featurize so transforms are fitted on training rows only). Rows in neither side, such as
/// rows with a null label, are not used and their labels are not checked; spec.split only
/// supplies the default seed.
TrainResult train_xgboost(const FeatureMatrix& features, const std::vector<float>& labels,
                          const SplitIndices& split, const TrainSpec& spec, int num_class,
                          const std::string& model_path);

/// The same on the named numeric columns of a table, fed to XGBoost in batches (with the hist
/// tree method, the default, only XGBoost's quantized copy of the training rows is kept).
TrainResult train_xgboost(const Table& features, const std::vector<std::string>& names,
                          const std::vector<float>& labels, const SplitIndices& split,
                          const TrainSpec& spec, int num_class, const std::string& model_path);

}  // namespace mlops
