#include "mlops/model/train/train_model.h"

#include <algorithm>

#include "mlops/core/error.h"
#include "mlops/model/metrics/holdout_summary.h"
#include "mlops/model/train/train_artifacts.h"

namespace mlops {

TrainedModel train_model(Table features, const TrainingSetup& setup, const TrainSpec& spec,
                         const std::string& model_path, TrainOptions options) {
  // Training reads only the feature columns: the label, split and other columns go now.
  const std::vector<std::string>& names = setup.feature_names;
  for (const std::string& column : features.column_names()) {
    if (std::find(names.begin(), names.end(), column) == names.end()) {
      features.remove_column(column);
    }
  }
  options.groups = setup.groups;
  TrainedModel trained;
  try {
    trained.result = train_xgboost(std::move(features), names, setup.labels, setup.split, spec,
                                   setup.num_class, model_path, options);
  } catch (const ModelError& error) {
    // Inside XGBoost's own allreduce a lost peer is a failed call like any other.
    if (!options.collective || !is_collective_failure(error.what())) throw;
    throw NetworkError(
        "distributed training: a worker or the tracker is gone, or a worker was silent for {} s "
        "(rank {} of {}): {}",
        options.collective->config().timeout_seconds, options.collective->rank(),
        options.collective->world_size(), error.what());
  }
  const TrainResult& result = trained.result;
  trained.metrics = train_metrics_json(result, setup.classes);
  trained.curve = curve_json(result.curve);
  trained.evaluation =
      evaluation_summary(result.task, setup.classes, result.holdout_labels,
                         result.holdout_predictions, result.confusion, spec.split.seed);
  trained.importance = nlohmann::json::array();
  for (const auto& [feature, gain] : result.importance) {
    trained.importance.push_back({{"feature", feature}, {"gain", gain}});
  }
  return trained;
}

}  // namespace mlops
