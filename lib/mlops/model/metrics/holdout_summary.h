#pragma once
// Holdout summaries for the report (train/evaluation.json): curves and matrices small enough to
// draw, never raw rows beyond a capped sample.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "mlops/model/metrics/confusion.h"
#include "mlops/model/task.h"

namespace mlops {

inline constexpr size_t kCurvePoints = 200;     // ROC and PR points at most
inline constexpr size_t kScatterPoints = 1000;  // predicted-vs-actual points at most
inline constexpr size_t kResidualBins = 30;

/// {"labels": [class names], "matrix": [[...]]}, rows actual, columns predicted.
nlohmann::json confusion_json(const std::vector<std::string>& classes,
                              const ConfusionMatrix& confusion);

/// Binary: {"roc": {"fpr", "tpr"}, "pr": {"recall", "precision"}, "confusion"}, curves
/// downsampled to kCurvePoints. Multiclass: {"confusion"}. Regression: {"predicted_vs_actual":
/// {"actual", "predicted"} (a seeded sample of kScatterPoints rows at most), "residuals":
/// {"edges", "counts"} (actual - predicted, kResidualBins equal bins)}.
/// `predictions` in Booster::predict's layout; `classes` names classes 0..n-1.
nlohmann::json evaluation_summary(Task task, const std::vector<std::string>& classes,
                                  std::span<const float> labels, std::span<const float> predictions,
                                  const ConfusionMatrix& confusion, uint64_t seed);

}  // namespace mlops
