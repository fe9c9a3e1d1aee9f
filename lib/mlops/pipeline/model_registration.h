#pragma once
// After training: the run's model becomes a new registered version, and the promotion gate
// decides whether it is the champion or the challenger.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "mlops/config/workflow.h"
#include "mlops/store/registry.h"

namespace mlops {

class RunContext;

/// Registers the run's train/ folder with its holdout metrics and lineage, applies the gate
/// and returns what happened for the manifest: {model, version, aliases, previous_champion
/// ({version, metrics} or null), gate: {passed, metric, candidate, champion, min_delta,
/// reason}}.
nlohmann::json register_trained_model(const RunContext& run,
                                      const std::map<std::string, double>& holdout_metrics,
                                      const nlohmann::json& lineage);

}  // namespace mlops
