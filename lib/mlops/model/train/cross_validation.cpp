#include "mlops/model/train/cross_validation.h"

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/model/train/boosting.h"
#include "mlops/model/metrics/task_metrics.h"

namespace mlops {

std::map<std::string, FoldMetric> cross_validate(DMatrix& train, std::span<const float> labels,
                                                 std::span<const int> fold_of, int folds,
                                                 const Params& params, int rounds, Task task,
                                                 int num_class,
                                                 const std::function<void(int)>& on_fold) {
  if (fold_of.size() != labels.size()) {
    throw InternalError("cross_validate: {} folds for {} rows", fold_of.size(), labels.size());
  }
  const size_t width = task == Task::kMulticlass ? static_cast<size_t>(num_class) : 1;
  std::map<std::string, FoldMetric> result;
  std::vector<float> weights(labels.size());
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<size_t> held;
    for (size_t row = 0; row < fold_of.size(); ++row) {
      const bool in_fold = fold_of[row] == fold;
      weights[row] = in_fold ? 0.0f : 1.0f;
      if (in_fold) held.push_back(row);
    }
    train.set_weights(weights);
    Booster booster({&train});
    for (const auto& [name, value] : params) booster.set_param(name, value);
    for (int round = 0; round < rounds; ++round) booster.update_one_iter(round, train);
    const std::vector<float> predictions = select_rows(booster.predict(train), held, width);
    const std::vector<float> fold_labels = select_rows(labels, held, 1);
    for (const auto& [name, value] : task_metrics(task, num_class, fold_labels, predictions)) {
      result[name].folds.push_back(value);
    }
    if (on_fold) on_fold(fold + 1);
  }
  for (auto& [name, metric] : result) {
    double sum = 0, squares = 0;
    for (double value : metric.folds) sum += value;
    metric.mean = sum / static_cast<double>(metric.folds.size());
    for (double value : metric.folds) squares += (value - metric.mean) * (value - metric.mean);
    metric.std = std::sqrt(squares / static_cast<double>(metric.folds.size()));
  }
  return result;
}

}  // namespace mlops
