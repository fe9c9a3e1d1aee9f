#include "mlops/pipeline/scored_drift.h"

namespace mlops {

std::optional<DriftAccumulator> take_scored_drift(std::optional<Contract>& contract,
                                                  const std::string& model_dir) {
  if (!contract || !contract->drift) return std::nullopt;
  DriftRule rule = std::move(*contract->drift);
  contract->drift.reset();
  const std::string reference =
      rule.reference.empty() ? model_dir + "/profile.json" : rule.reference;
  return DriftAccumulator(std::move(rule), load_profile(reference));
}

ContractReport scored_drift_report(const DriftAccumulator& drift, const Contract& contract,
                                   size_t rows) {
  ContractReport report;
  report.stage = "predict";
  report.contract = contract.name + " (drift of scored features)";
  report.rows = rows;
  report.checks = drift.checks();
  return report;
}

}  // namespace mlops
