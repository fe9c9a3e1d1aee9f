#pragma once
// The JSON files train writes next to the model (metrics.json, curve.json, model_meta.json):
// their shapes in one place, since the report and the registry read them.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/model/train/trainer.h"
#include "mlops/io/git_revision.h"

namespace mlops {

/// {"holdout": {...}, "baseline": {"model": name, ...metrics}, "train_rows", "validation_rows",
/// "holdout_rows", "confusion": {"labels", "matrix"} (classification), "cv": {"<metric>":
/// {"mean", "std", "folds"}} (with cross-validation)}.
nlohmann::json train_metrics_json(const TrainResult& result,
                                  const std::vector<std::string>& classes);

/// {"metric", "train": [...], "validation" | "holdout": [...], "best_round", "rounds_trained",
/// "stopped_early"}.
nlohmann::json curve_json(const RoundCurve& curve);

/// The feature columns' names and dtypes, in model order: [{"name", "dtype"}].
nlohmann::json feature_schema_json(const Table& features, const std::vector<std::string>& names);

/// "git_commit" (empty when unknown), "git_dirty" (null when unknown) and, when the commit is
/// unknown, "git_error", merged into `meta`.
void add_git_revision(nlohmann::json& meta, const GitRevision& revision);

}  // namespace mlops
