#include "mlops/model/metrics/task_metrics.h"

#include <algorithm>

#include "mlops/core/error.h"
#include "mlops/model/metrics/confusion.h"
#include "mlops/model/metrics/curves.h"
#include "mlops/model/metrics/metrics.h"

namespace mlops {

namespace {

std::string task_label(Task task) {
  return task == Task::kRegression ? "regression"
                                   : std::string(task_name(task)) + " classification";
}

}  // namespace

const std::vector<std::string>& task_metric_names(Task task) {
  static const std::vector<std::string> binary{"accuracy", "auc", "f1", "logloss", "pr_auc"};
  static const std::vector<std::string> multiclass{"accuracy", "f1", "logloss"};
  static const std::vector<std::string> regression{"mae", "r2", "rmse"};
  switch (task) {
    case Task::kBinary: return binary;
    case Task::kMulticlass: return multiclass;
    case Task::kRegression: return regression;
  }
  throw InternalError("task_metric_names: unknown task");
}

std::string default_metric(Task task) {
  return task == Task::kRegression ? "rmse" : "logloss";
}

bool higher_is_better(std::string_view metric) {
  return metric == "accuracy" || metric == "auc" || metric == "f1" || metric == "pr_auc" ||
         metric == "r2";
}

void check_metric_name(Task task, const std::string& metric, std::string_view key) {
  const auto& names = task_metric_names(task);
  if (std::find(names.begin(), names.end(), metric) != names.end()) return;
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  throw ConfigError("{}: '{}' is not a metric of {} ({})", key, metric, task_label(task), list);
}

std::vector<int> predicted_classes(Task task, int num_class, std::span<const float> predictions) {
  if (task == Task::kMulticlass) return argmax_rows(predictions, num_class);
  std::vector<int> predicted(predictions.size());
  for (size_t i = 0; i < predictions.size(); ++i) predicted[i] = predictions[i] > 0.5f;
  return predicted;
}

double metric_value(Task task, int num_class, std::string_view metric,
                    std::span<const float> labels, std::span<const float> predictions) {
  if (task == Task::kRegression) {
    if (metric == "rmse") return rmse(labels, predictions);
    if (metric == "mae") return mae(labels, predictions);
    if (metric == "r2") return r2(labels, predictions);
  } else {
    const int classes = task == Task::kBinary ? 2 : num_class;
    if (metric == "logloss") {
      return task == Task::kBinary ? binary_log_loss(labels, predictions)
                                   : multiclass_log_loss(labels, predictions, classes);
    }
    if (metric == "accuracy") {
      return accuracy(labels, predicted_classes(task, classes, predictions));
    }
    if (metric == "f1") {
      const ConfusionMatrix confusion =
          confusion_matrix(labels, predicted_classes(task, classes, predictions), classes);
      return task == Task::kBinary ? f1_binary(confusion) : f1_macro(confusion);
    }
    if (task == Task::kBinary && metric == "auc") return roc_auc(labels, predictions);
    if (task == Task::kBinary && metric == "pr_auc") return average_precision(labels, predictions);
  }
  throw InternalError("metric_value: no metric '{}' for {}", metric, task_label(task));
}

std::map<std::string, double> task_metrics(Task task, int num_class, std::span<const float> labels,
                                           std::span<const float> predictions) {
  std::map<std::string, double> metrics;
  for (const auto& name : task_metric_names(task)) {
    metrics[name] = metric_value(task, num_class, name, labels, predictions);
  }
  return metrics;
}

}  // namespace mlops
