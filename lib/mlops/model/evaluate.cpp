#include "mlops/model/evaluate.h"

#include "mlops/core/error.h"
#include "mlops/model/metrics.h"

namespace mlops {

std::map<std::string, double> task_metrics(Task task, int num_class, std::span<const float> labels,
                                           std::span<const float> predictions) {
  switch (task) {
    case Task::kBinary: {
      std::vector<int> predicted(predictions.size());
      // Strictly above 0.5 is class 1, as XGBoost's own classifier decides.
      for (size_t i = 0; i < predictions.size(); ++i) predicted[i] = predictions[i] > 0.5f;
      return {{"accuracy", accuracy(labels, predicted)},
              {"logloss", binary_log_loss(labels, predictions)},
              {"auc", roc_auc(labels, predictions)}};
    }
    case Task::kMulticlass:
      return {{"accuracy", accuracy(labels, argmax_rows(predictions, num_class))},
              {"logloss", multiclass_log_loss(labels, predictions, num_class)}};
    case Task::kRegression:
      return {{"rmse", rmse(labels, predictions)},
              {"mae", mae(labels, predictions)},
              {"r2", r2(labels, predictions)}};
  }
  throw InternalError("task_metrics: unknown task");
}

std::vector<float> baseline_predictions(Task task, int num_class,
                                        std::span<const float> train_labels, size_t rows) {
  if (train_labels.empty()) throw InternalError("baseline_predictions: no training labels");
  const auto n = static_cast<double>(train_labels.size());
  if (task == Task::kRegression) {
    double sum = 0;
    for (float label : train_labels) sum += label;
    return std::vector<float>(rows, static_cast<float>(sum / n));
  }
  const int classes = task == Task::kBinary ? 2 : num_class;
  std::vector<double> counts(static_cast<size_t>(classes), 0.0);
  for (float label : train_labels) {
    auto klass = static_cast<int>(label);
    if (klass < 0 || klass >= classes) {
      throw InternalError("baseline_predictions: label {} is not a class of {}", label, classes);
    }
    counts[static_cast<size_t>(klass)] += 1;
  }
  if (task == Task::kBinary) return std::vector<float>(rows, static_cast<float>(counts[1] / n));
  std::vector<float> result;
  result.reserve(rows * counts.size());
  for (size_t row = 0; row < rows; ++row) {
    for (double count : counts) result.push_back(static_cast<float>(count / n));
  }
  return result;
}

}  // namespace mlops
