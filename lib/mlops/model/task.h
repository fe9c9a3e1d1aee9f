#pragma once

#include <string_view>

namespace mlops {

enum class Task { kBinary, kMulticlass, kRegression };

/// binary:* -> kBinary; multi:* -> kMulticlass; reg:* (and count:, survival:) -> kRegression.
/// Throws ConfigError naming train.objective for anything else.
Task task_for_objective(std::string_view objective);

/// "binary", "multiclass" or "regression" (as saved in model files).
std::string_view task_name(Task task);

}  // namespace mlops
