#pragma once
// Scoring a table with a trained model and the feature state saved beside it: the features are
// computed by the fitted pipeline (never refitted), so scoring matches training.

#include <optional>
#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/model/baseline/baseline.h"
#include "mlops/model/task.h"
#include "mlops/model/trees/tree_ensemble.h"
#include "mlops/model/xgb/xgb.h"

namespace mlops {

struct ScoringModel {
  FeaturePipeline features;
  std::optional<Booster> booster;
  /// The same trees compiled for fast scoring, when the model allows (else the booster scores).
  std::optional<TreeEnsemble> trees;
  /// Scores instead when model.json cannot be used (the last fallback).
  std::optional<BaselineModel> baseline;
  std::string fallback_reason;  // why the baseline scores; empty when XGBoost does
  Task task;
  std::string version;  // written to every prediction: the registry version ("v3"), with
                        // "+baseline" appended when the baseline scores
  std::string dir;      // where it was loaded from (profile.json for drift lives there too)
};

/// Loads model.json, feature_state.json and model_meta.json from a model directory (a
/// registered version's, or a run's train/). `version` labels its predictions; default the
/// id of the run that trained it. When model.json cannot be loaded and baseline.json can, the
/// baseline scores (with a warning). Throws IoError / ModelError naming the unreadable file.
ScoringModel load_scoring_model(const std::string& model_dir, const std::string& version = "");

/// Scores every row of `input`. Output columns: the id columns, `prediction` (class name for
/// classification, value for regression), `probability` (binary: of the positive class) or
/// `probability_<class>` (multiclass), `model_version` and `scored_at`.
/// `features_out`, when given, receives the transformed features (for drift checks), so they
/// are computed once. Throws DataError naming a missing id or feature column.
Table score_table(Table input, const ScoringModel& model,
                  const std::vector<std::string>& id_columns, int64_t scored_at_micros,
                  Table* features_out = nullptr);

}  // namespace mlops
