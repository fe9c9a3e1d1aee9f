#pragma once
// train as one function: a feature table in, a saved model and the documents that describe it
// out (metrics, curve, holdout evaluation, importance). No run folder: the caller says where
// the model goes and writes the documents.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/model/train/row_split.h"
#include "mlops/model/train/trainer.h"

namespace mlops {

/// What train_model needs besides the table: the model's columns and each row's label and side.
struct TrainingSetup {
  std::vector<std::string> feature_names;  // the model's columns, in order
  /// Per row: the class index (classification) or the target (regression); NaN = unlabeled.
  std::vector<float> labels;
  std::vector<std::string> classes;  // class names, classification only
  int num_class = 0;                 // classification: classes.size(); regression: 0
  SplitIndices split;                // rows of the table on each side
  std::vector<uint64_t> groups;      // group split: each row's group; else empty
};

/// A trained model's result and the JSON documents train writes next to it.
struct TrainedModel {
  TrainResult result;
  nlohmann::json metrics;     // train_metrics_json()
  nlohmann::json curve;       // curve_json()
  nlohmann::json evaluation;  // evaluation_summary() of the holdout
  nlohmann::json importance;  // [{"feature", "gain"}], gain descending
};

/// Keeps only setup.feature_names of `features` (consumed, freed once XGBoost holds the
/// training rows), trains on setup.split with `spec` (train_xgboost()), saves the model as
/// XGBoost JSON to `model_path` atomically and returns the result with its documents.
/// Throws what train_xgboost() throws: ConfigError for a bad parameter (naming
/// train.params.<name>), DataError for a label that is not a class index, ModelError for other
/// XGBoost failures; in distributed training (options.collective) NetworkError when a peer or
/// the tracker is lost.
TrainedModel train_model(Table features, const TrainingSetup& setup, const TrainSpec& spec,
                         const std::string& model_path, TrainOptions options = {});

}  // namespace mlops
