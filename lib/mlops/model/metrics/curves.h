#pragma once
// Threshold curves of a binary scorer (ROC, precision-recall) and average precision, computed
// the way scikit-learn does: one point per distinct score, thresholds descending.

#include <span>
#include <vector>

namespace mlops {

/// Points of a curve in drawing order.
struct Curve {
  std::vector<double> x;
  std::vector<double> y;
};

/// ROC curve: x = false positive rate, y = true positive rate, from (0, 0) to (1, 1), one point
/// per distinct score (as sklearn.metrics.roc_curve with drop_intermediate=False). Empty when
/// one class is absent.
Curve roc_curve(std::span<const float> labels, std::span<const float> scores);

/// Precision-recall curve: x = recall, y = precision, recall ascending: the point (0, 1), then
/// one point per distinct score, thresholds descending (sklearn.metrics.precision_recall_curve
/// reversed). Empty when no label is positive.
Curve pr_curve(std::span<const float> labels, std::span<const float> scores);

/// Average precision (sklearn.metrics.average_precision_score): the sum over distinct
/// thresholds, descending, of (recall gained) x precision. NaN when no label is positive.
double average_precision(std::span<const float> labels, std::span<const float> scores);

/// At most `max_points` points of `curve`, evenly spaced by index, the first and last kept.
Curve downsample(const Curve& curve, size_t max_points);

}  // namespace mlops
