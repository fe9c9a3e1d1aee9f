#pragma once
// Drift of the data batch-predict scores: the predict contract's `drift` section compares the
// features computed for scoring with the profile of the training features (train/profile.json).

#include <nlohmann/json.hpp>
#include <optional>

#include "mlops/contracts/check.h"
#include "mlops/contracts/drift.h"

namespace mlops {

/// Takes the drift section out of the predict contract (the rest of it checks the predictions)
/// and readies it against `drift.reference`, or the scoring model's profile.json by default.
/// nullopt when the contract has no drift section. Throws IoError / DataError for an
/// unreadable profile.
std::optional<DriftAccumulator> take_scored_drift(std::optional<Contract>& contract,
                                                  const std::string& model_dir);
/// Drift of every scored feature against the model's profile.json, for the report, whatever the
/// contract says: nullopt when the model has no profile.
std::optional<DriftAccumulator> summary_drift(const std::string& model_dir);
/// predict/drift.json: {reference, rows, min_rows, status (measured, or insufficient_data below
/// min_rows), features: [{feature, psi, status (ok below 0.1, warn below 0.25, else drift;
/// missing; insufficient_data below min_rows), null_rate, train_null_rate}]}.
nlohmann::json drift_summary_json(const DriftAccumulator& drift, const std::string& reference,
                                  size_t rows);

/// The drift checks as a report of stage predict, named "<contract> (drift of scored
/// features)".
ContractReport scored_drift_report(const DriftAccumulator& drift, const Contract& contract,
                                   size_t rows);

}  // namespace mlops
