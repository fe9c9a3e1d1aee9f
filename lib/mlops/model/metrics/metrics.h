#pragma once
// Metrics computed by our own code (checked against known values in tests), so they do not
// depend on how XGBoost names or averages them.

#include <map>
#include <span>
#include <string>
#include <vector>

namespace mlops {

/// Fraction of rows whose predicted class equals the label.
double accuracy(std::span<const float> labels, std::span<const int> predicted);
/// Binary log loss; probabilities clipped to [1e-15, 1 - 1e-15] as scikit-learn does.
double binary_log_loss(std::span<const float> labels, std::span<const float> probability);
/// Multiclass log loss; `probabilities` is rows x num_class, row-major.
double multiclass_log_loss(std::span<const float> labels, std::span<const float> probabilities,
                           int num_class);
/// ROC AUC with ties averaged (Mann-Whitney); NaN when one class is absent.
double roc_auc(std::span<const float> labels, std::span<const float> scores);
double rmse(std::span<const float> labels, std::span<const float> predicted);
double mae(std::span<const float> labels, std::span<const float> predicted);
/// Coefficient of determination; 1 - SSres/SStot.
double r2(std::span<const float> labels, std::span<const float> predicted);
/// Row-wise argmax of a rows x num_class matrix.
std::vector<int> argmax_rows(std::span<const float> probabilities, int num_class);

}  // namespace mlops
