#pragma once
// Holdout metrics per task and the trivial baseline they are compared with; shared by training
// and by anything that scores a labelled holdout later.

#include <map>
#include <span>
#include <string>
#include <vector>

#include "mlops/model/task.h"

namespace mlops {

/// Metrics by stable name. `predictions` as Booster::predict returns them: P(class 1) per row
/// for binary, rows x num_class probabilities for multiclass, values for regression. Binary:
/// accuracy (threshold 0.5), logloss, auc; multiclass: accuracy, logloss; regression: rmse,
/// mae, r2.
std::map<std::string, double> task_metrics(Task task, int num_class, std::span<const float> labels,
                                           std::span<const float> predictions);

/// Predictions of a model that ignores the features, in the layout task_metrics() takes:
/// training class priors as probabilities for classification (so accuracy is the majority
/// class's), the training mean for regression.
std::vector<float> baseline_predictions(Task task, int num_class,
                                        std::span<const float> train_labels, size_t rows);

}  // namespace mlops
