#include "mlops/store/promotion.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/model/metrics/task_metrics.h"

namespace mlops {

std::string default_gate_metric(Task task) {
  switch (task) {
    case Task::kBinary: return "auc";
    case Task::kMulticlass: return "logloss";
    case Task::kRegression: return "rmse";
  }
  return "rmse";
}

GateDecision decide_promotion(const GateSpec& gate, Task task,
                              const std::map<std::string, double>& candidate,
                              const std::optional<std::map<std::string, double>>& champion) {
  GateDecision decision;
  decision.metric = gate.metric.empty() ? default_gate_metric(task) : gate.metric;
  auto it = candidate.find(decision.metric);
  if (it == candidate.end()) {
    std::vector<std::string> names;
    for (const auto& [name, value] : candidate) names.push_back(name);
    throw ConfigError("registry.gate.metric: the model has no holdout metric '{}' (it has: {})",
                      decision.metric, fmt::join(names, ", "));
  }
  decision.candidate = it->second;
  // Without a champion the first version serves, even with a useless metric: scoring needs one.
  if (!champion) {
    decision.promote = true;
    decision.reason = fmt::format("first version: no champion yet (holdout {} {:.6g})",
                                  decision.metric, decision.candidate);
    return decision;
  }
  if (!std::isfinite(decision.candidate)) {
    decision.reason = fmt::format("holdout {} is not a number", decision.metric);
    return decision;
  }
  auto held = champion->find(decision.metric);
  if (held == champion->end() || !std::isfinite(held->second)) {
    decision.promote = true;
    decision.reason =
        fmt::format("the champion has no holdout {} to compare with", decision.metric);
    return decision;
  }
  decision.champion = held->second;
  const bool higher = higher_is_better(decision.metric);
  const double gain =
      higher ? decision.candidate - held->second : held->second - decision.candidate;
  // Strictly better, and by the margin: an equal model is no reason to switch.
  decision.promote = gain > 0 && gain >= gate.min_delta;
  const std::string required =
      gate.min_delta > 0 ? fmt::format("an improvement of at least {:.4g}", gate.min_delta)
                         : std::string("any improvement");
  const std::string outcome =
      gain == 0 ? std::string("no better")
                : fmt::format("{} by {:.4g}", gain > 0 ? "better" : "worse", std::fabs(gain));
  decision.reason = fmt::format(
      "holdout {} {:.6g} vs champion {:.6g}: {} ({} is better; {} required)", decision.metric,
      decision.candidate, held->second, outcome, higher ? "higher" : "lower", required);
  return decision;
}

}  // namespace mlops
