#include "mlops/predict/scored_drift.h"

#include "mlops/contracts/drift_reference.h"
#include "mlops/io/file.h"

namespace mlops {

std::optional<DriftAccumulator> take_scored_drift(std::optional<Contract>& contract,
                                                  const std::string& model_dir) {
  if (!contract || !contract->drift) return std::nullopt;
  DriftRule rule = std::move(*contract->drift);
  contract->drift.reset();
  const std::string reference =
      rule.reference.empty() ? model_dir + "/profile.json" : rule.reference;
  return DriftAccumulator(std::move(rule), load_drift_reference(reference));
}

std::optional<DriftAccumulator> summary_drift(const std::string& model_dir) {
  const std::string reference = model_dir + "/profile.json";
  if (!path_exists(reference)) return std::nullopt;
  DriftRule rule;
  rule.severity = Severity::kWarn;
  return DriftAccumulator(std::move(rule), load_drift_reference(reference));
}

nlohmann::json drift_summary_json(const DriftAccumulator& drift, const std::string& reference,
                                  size_t rows) {
  nlohmann::json features = nlohmann::json::array();
  const bool insufficient = drift.insufficient_data();
  for (const auto& column : drift.summary()) {
    const char* status = !column.compared    ? "missing"
                         : insufficient      ? "insufficient_data"
                         : column.psi < 0.1  ? "ok"
                         : column.psi < 0.25 ? "warn"
                                             : "drift";
    features.push_back({{"feature", column.column},
                        {"psi", column.compared ? nlohmann::json(column.psi) : nullptr},
                        {"status", status},
                        {"null_rate", column.null_rate},
                        {"train_null_rate", column.reference_null_rate}});
  }
  return {{"reference", reference},
          {"rows", rows},
          {"min_rows", drift.min_rows()},
          {"status", insufficient ? "insufficient_data" : "measured"},
          {"features", features}};
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
