#pragma once
// The promotion gate: a newly trained version becomes champion only when it beats the current
// champion's holdout metric by a declared margin; otherwise it is the challenger.

#include <map>
#include <optional>
#include <string>

#include "mlops/model/task.h"

namespace mlops {

struct GateSpec {
  std::string metric;    // empty: the task's default (auc, logloss, rmse)
  double min_delta = 0;  // required improvement, in the metric's own units
};

struct GateDecision {
  bool promote = false;
  std::string metric;
  double candidate = 0;
  std::optional<double> champion;  // none: there is no champion yet
  std::string reason;              // one sentence, for the log, the manifest and the report
};

/// The metric the gate compares when the workflow names none: auc (binary), logloss
/// (multiclass), rmse (regression).
std::string default_gate_metric(Task task);

/// Decides promotion. Throws ConfigError when the candidate lacks the metric (naming the
/// metrics it has). A champion without the metric (trained before it existed) is replaced.
GateDecision decide_promotion(const GateSpec& gate, Task task,
                              const std::map<std::string, double>& candidate,
                              const std::optional<std::map<std::string, double>>& champion);

}  // namespace mlops
