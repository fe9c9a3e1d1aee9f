#include "mlops/model/trainer.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include "mlops/core/error.h"
#include "mlops/model/evaluate.h"
#include "mlops/model/params.h"
#include "mlops/model/row_source.h"
#include "mlops/model/xgb.h"

namespace mlops {

namespace {

std::vector<float> take_labels(const std::vector<float>& labels, std::span<const size_t> rows) {
  std::vector<float> out;
  out.reserve(rows.size());
  for (size_t row : rows) out.push_back(labels[row]);
  return out;
}

// The task for the objective, with num_class normalised: 2 for binary, 0 for regression.
Task checked_task(const TrainSpec& spec, int& num_class) {
  if (spec.rounds < 1) throw ConfigError("train.rounds: {} is not at least 1", spec.rounds);
  Task task = task_for_objective(spec.objective);
  if (task == Task::kBinary) num_class = 2;
  if (task == Task::kRegression) num_class = 0;
  if (task == Task::kMulticlass && num_class < 2) {
    throw DataError("multiclass training needs at least 2 label classes, found {}", num_class);
  }
  return task;
}

// Throws DataError for a class label that is not an index 0..num_class-1.
void check_class(float label, size_t row, int num_class) {
  if (!(label >= 0 && label < static_cast<float>(num_class)) || label != std::floor(label)) {
    throw DataError("label {} in row {} is not a class index 0..{}", label, row + 1, num_class - 1);
  }
}

bool uses_trees(const TrainSpec& spec) {
  return std::none_of(spec.params.begin(), spec.params.end(), [](const auto& param) {
    return param.first == "booster" && param.second == "gblinear";
  });
}

}  // namespace

TrainResult train_xgboost(const FeatureMatrix& features, const std::vector<float>& labels,
                          const TrainSpec& spec, int num_class, const std::string& model_path) {
  if (labels.size() != features.rows) {
    throw InternalError("train_xgboost: {} labels for {} rows", labels.size(), features.rows);
  }
  const Task task = checked_task(spec, num_class);
  std::vector<int> classes;
  if (task != Task::kRegression) {
    for (size_t row = 0; row < labels.size(); ++row) {
      check_class(labels[row], row, num_class);
      classes.push_back(static_cast<int>(labels[row]));
    }
  }
  std::optional<std::span<const int>> strata;
  if (task != Task::kRegression && spec.split.stratify) strata = classes;
  SplitIndices split = random_split(features.rows, spec.split.holdout, spec.split.seed, strata);
  return train_xgboost(features, labels, split, spec, num_class, model_path);
}

namespace {

std::string param_value(const Params& params, const std::string& name,
                        const std::string& fallback) {
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return fallback;
}

/// The training DMatrix: quantized straight from batches for hist, else a dense copy.
DMatrix training_matrix(const RowSource& rows, const std::vector<float>& labels,
                        const Params& params) {
  if (param_value(params, "tree_method", "hist") == "hist") {
    const int max_bin = std::stoi(param_value(params, "max_bin", "256"));
    const int nthread = std::stoi(param_value(params, "nthread", "2"));
    return DMatrix::quantile(rows, labels, max_bin, nthread);
  }
  FeatureMatrix dense{rows.names(), rows.rows(), {}};
  rows.fill(0, rows.rows(), dense.values);
  return DMatrix(dense, &labels);
}

/// Trains on one side, measures on the other. Both sides are row sources in split order.
TrainResult train_on(const RowSource& train_rows, const RowSource& holdout_rows,
                     const std::vector<float>& labels, const SplitIndices& split,
                     const TrainSpec& spec, int num_class, const std::string& model_path) {
  TrainResult result;
  result.task = checked_task(spec, num_class);
  result.num_class = num_class;
  const Params params = booster_params(spec, result.task, num_class);
  for (const auto* side : {&split.train, &split.holdout}) {
    for (size_t row : *side) {
      if (row >= labels.size()) {
        throw InternalError("train_xgboost: split row {} of {}", row, labels.size());
      }
      if (result.task != Task::kRegression) check_class(labels[row], row, num_class);
    }
  }
  if (split.train.empty() || split.holdout.empty()) {
    throw InternalError("train_xgboost: an empty side in the split");
  }
  result.train_rows = split.train.size();
  result.holdout_rows = split.holdout.size();

  const std::vector<float> train_labels = take_labels(labels, split.train);
  const std::vector<float> holdout_labels = take_labels(labels, split.holdout);
  const DMatrix train = training_matrix(train_rows, train_labels, params);

  Booster booster({&train});
  begin_training(booster, params, spec, train);  // round 0
  for (int round = 1; round < spec.rounds; ++round) booster.update_one_iter(round, train);

  const std::vector<float> predictions = booster.predict(holdout_rows);
  result.holdout_metrics = task_metrics(result.task, num_class, holdout_labels, predictions);
  result.baseline_metrics = task_metrics(
      result.task, num_class, holdout_labels,
      baseline_predictions(result.task, num_class, train_labels, holdout_labels.size()));

  // Gain is defined for trees only; a linear booster reports no importance.
  if (uses_trees(spec)) result.importance = booster.gain_importance();
  std::stable_sort(result.importance.begin(), result.importance.end(),
                   [](const auto& a, const auto& b) {
                     return a.second != b.second ? a.second > b.second : a.first < b.first;
                   });
  booster.save_json(model_path);
  return result;
}

}  // namespace

TrainResult train_xgboost(const FeatureMatrix& features, const std::vector<float>& labels,
                          const SplitIndices& split, const TrainSpec& spec, int num_class,
                          const std::string& model_path) {
  if (labels.size() != features.rows) {
    throw InternalError("train_xgboost: {} labels for {} rows", labels.size(), features.rows);
  }
  const MatrixRows train(features, split.train, false), holdout(features, split.holdout, false);
  return train_on(train, holdout, labels, split, spec, num_class, model_path);
}

TrainResult train_xgboost(const Table& features, const std::vector<std::string>& names,
                          const std::vector<float>& labels, const SplitIndices& split,
                          const TrainSpec& spec, int num_class, const std::string& model_path) {
  if (labels.size() != features.num_rows()) {
    throw InternalError("train_xgboost: {} labels for {} rows", labels.size(), features.num_rows());
  }
  const TableRows train = TableRows::select(features, names, split.train);
  const TableRows holdout = TableRows::select(features, names, split.holdout);
  return train_on(train, holdout, labels, split, spec, num_class, model_path);
}

}  // namespace mlops
