#pragma once
// The baseline a model is compared with, and the last fallback when no model can be used: a
// linear model (ridge, logistic or softmax regression with L2, on standardised features, nulls
// imputed by the training mean) or a constant one (class priors, the training mean), whichever
// scored better on a slice of the training rows.

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/model/xgb/matrix.h"
#include "mlops/model/xgb/row_source.h"
#include "mlops/model/task.h"

namespace mlops {

/// Rows a baseline is fitted on at most (a seeded sample of the training side).
inline constexpr size_t kBaselineMaxRows = 200'000;

/// How the baseline was chosen: `metric` on the selection slice for each candidate.
struct BaselineSelection {
  std::string metric;  // logloss, or rmse for regression
  double linear = 0;   // NaN when no linear model could be fitted
  double constant = 0;
  size_t fit_rows = 0;
  size_t selection_rows = 0;
};

class BaselineModel {
 public:
  /// Fits both candidates on 80% of the rows, keeps the one with the lower `metric` on the
  /// other 20% (seeded; stratified for classification), and refits it on all rows. `labels`:
  /// class index for classification, the target for regression.
  static BaselineModel fit(const FeatureMatrix& rows, std::span<const float> labels, Task task,
                           int num_class, uint64_t seed);

  /// Reads train/baseline.json; throws IoError or ModelError naming the path.
  static BaselineModel load(const std::string& path);
  static BaselineModel from_json(const nlohmann::json& json);
  nlohmann::json to_json() const;
  /// Writes it atomically.
  void save(const std::string& path) const;

  /// Same layout as Booster::predict: P(class 1) per row, num_class probabilities per row, or
  /// values. Throws ModelError when `rows` has other columns than features().
  std::vector<float> predict(const RowSource& rows) const;
  /// The same on a feature table (the columns named by features(), in any order).
  std::vector<float> predict(const Table& features) const;

  /// ridge, logistic_regression, softmax_regression, majority_class or mean.
  const std::string& model() const { return model_; }
  Task task() const { return task_; }
  const std::vector<std::string>& features() const { return features_; }
  const BaselineSelection& selection() const { return selection_; }

 private:
  std::string model_;
  Task task_ = Task::kRegression;
  int outputs_ = 1;  // logits or values per row: num_class for softmax, else 1
  std::vector<std::string> features_;
  std::vector<double> means_;   // imputation value and centre of each feature
  std::vector<double> scales_;  // standard deviation, 1 for a constant feature
  std::vector<double> intercepts_;
  std::vector<std::vector<double>> coefficients_;  // [output][feature]; zero for constant models
  BaselineSelection selection_;

  friend class BaselineFitter;
};

}  // namespace mlops
