#pragma once
// Confusion matrix of a classifier and the F1 scores read from it.

#include <cstdint>
#include <span>
#include <vector>

namespace mlops {

/// counts[actual][predicted] over classes 0..num_class-1.
using ConfusionMatrix = std::vector<std::vector<int64_t>>;

/// Counts each (label, predicted class) pair. Throws InternalError for a class outside
/// 0..num_class-1 or sizes that differ.
ConfusionMatrix confusion_matrix(std::span<const float> labels, std::span<const int> predicted,
                                 int num_class);

/// F1 of class 1 (sklearn.metrics.f1_score, average="binary"); 0 when it is never predicted
/// nor present, as sklearn's zero_division does.
double f1_binary(const ConfusionMatrix& confusion);

/// Unweighted mean of the per-class F1 over the classes that occur as a label or a prediction
/// (sklearn.metrics.f1_score, average="macro").
double f1_macro(const ConfusionMatrix& confusion);

}  // namespace mlops
