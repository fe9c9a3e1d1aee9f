#pragma once
// Metrics per task by stable name; shared by training (holdout, per-round curve, folds) and by
// anything that scores a labelled holdout later.

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/model/task.h"

namespace mlops {

/// The metric names of a task, in a stable order. Binary: accuracy, auc, f1, logloss, pr_auc;
/// multiclass: accuracy, f1 (macro), logloss; regression: mae, r2, rmse.
const std::vector<std::string>& task_metric_names(Task task);

/// The metric a task is judged by when none is named: logloss, or rmse for regression.
std::string default_metric(Task task);

/// True for metrics where more is better (accuracy, auc, f1, pr_auc, r2).
bool higher_is_better(std::string_view metric);

/// Throws ConfigError "<key>: '<metric>' is not a metric of <task> (<names>)" unless `metric`
/// is one of task_metric_names(task).
void check_metric_name(Task task, const std::string& metric, std::string_view key);

/// Predicted class per row: P(class 1) > 0.5 for binary (as XGBoost's classifier decides), the
/// most probable class for multiclass.
std::vector<int> predicted_classes(Task task, int num_class, std::span<const float> predictions);

/// One metric. `predictions` as Booster::predict returns them: P(class 1) per row for binary,
/// rows x num_class probabilities for multiclass, values for regression.
double metric_value(Task task, int num_class, std::string_view metric,
                    std::span<const float> labels, std::span<const float> predictions);

/// Every metric of the task, by name.
std::map<std::string, double> task_metrics(Task task, int num_class, std::span<const float> labels,
                                           std::span<const float> predictions);

}  // namespace mlops
