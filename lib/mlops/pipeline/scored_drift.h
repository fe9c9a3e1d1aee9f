#pragma once
// Drift of the data batch-predict scores: the predict contract's `drift` section compares the
// features computed for scoring with the profile of the training features (train/profile.json).

#include <optional>

#include "mlops/contracts/drift.h"
#include "mlops/pipeline/stage.h"

namespace mlops {

/// Takes the drift section out of the predict contract (the rest of it checks the predictions)
/// and readies it against `drift.reference`, or the scoring model's profile.json by default.
/// nullopt when the contract has no drift section. Throws IoError / DataError for an
/// unreadable profile.
std::optional<DriftAccumulator> take_scored_drift(std::optional<Contract>& contract,
                                                  const std::string& model_dir);
/// The drift checks as a report of stage predict, named "<contract> (drift of scored
/// features)".
ContractReport scored_drift_report(const DriftAccumulator& drift, const Contract& contract,
                                   size_t rows);

}  // namespace mlops
