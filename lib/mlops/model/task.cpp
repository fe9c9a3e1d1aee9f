#include "mlops/model/task.h"

#include "mlops/core/error.h"

namespace mlops {

Task task_for_objective(std::string_view objective) {
  if (objective.starts_with("binary:")) return Task::kBinary;
  if (objective.starts_with("multi:")) return Task::kMulticlass;
  if (objective.starts_with("reg:") || objective.starts_with("count:") ||
      objective.starts_with("survival:")) {
    return Task::kRegression;
  }
  throw ConfigError(
      "train.objective: unsupported objective '{}' (expected binary:*, multi:*, reg:*, count:* "
      "or survival:*)",
      objective);
}

std::string_view task_name(Task task) {
  switch (task) {
    case Task::kBinary: return "binary";
    case Task::kMulticlass: return "multiclass";
    case Task::kRegression: return "regression";
  }
  return "";
}

}  // namespace mlops
