#include "mlops/model/metrics/curves.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/model/metrics/score_order.h"

namespace mlops {

namespace {

/// Cumulative true and false positives when every row scoring at or above a threshold is
/// called positive, one entry per distinct score, thresholds descending.
struct Sweep {
  std::vector<double> true_positives;
  std::vector<double> false_positives;
  double positives = 0;
  double negatives = 0;
};

Sweep sweep(std::span<const float> labels, std::span<const float> scores) {
  if (labels.size() != scores.size()) {
    throw InternalError("curve: {} labels but {} scores", labels.size(), scores.size());
  }
  std::vector<size_t> order = ascending_order(scores);
  std::reverse(order.begin(), order.end());  // descending; ties only ever count together
  Sweep out;
  double tp = 0, fp = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    (labels[order[k]] > 0.5f ? tp : fp) += 1;
    // A threshold lies between distinct scores only: tied rows change sides together.
    if (k + 1 == order.size() || scores[order[k + 1]] != scores[order[k]]) {
      out.true_positives.push_back(tp);
      out.false_positives.push_back(fp);
    }
  }
  out.positives = tp;
  out.negatives = fp;
  return out;
}

}  // namespace

Curve roc_curve(std::span<const float> labels, std::span<const float> scores) {
  const Sweep s = sweep(labels, scores);
  Curve curve;
  if (s.positives == 0 || s.negatives == 0) return curve;
  curve.x.push_back(0);
  curve.y.push_back(0);
  for (size_t i = 0; i < s.true_positives.size(); ++i) {
    curve.x.push_back(s.false_positives[i] / s.negatives);
    curve.y.push_back(s.true_positives[i] / s.positives);
  }
  return curve;
}

Curve pr_curve(std::span<const float> labels, std::span<const float> scores) {
  const Sweep s = sweep(labels, scores);
  Curve curve;
  if (s.positives == 0) return curve;
  curve.x.push_back(0);
  curve.y.push_back(1);
  for (size_t i = 0; i < s.true_positives.size(); ++i) {
    const double tp = s.true_positives[i];
    curve.x.push_back(tp / s.positives);
    curve.y.push_back(tp / (tp + s.false_positives[i]));
  }
  return curve;
}

double average_precision(std::span<const float> labels, std::span<const float> scores) {
  const Sweep s = sweep(labels, scores);
  if (s.positives == 0) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0, previous_recall = 0;
  for (size_t i = 0; i < s.true_positives.size(); ++i) {
    const double tp = s.true_positives[i];
    const double recall = tp / s.positives;
    sum += (recall - previous_recall) * (tp / (tp + s.false_positives[i]));
    previous_recall = recall;
  }
  return sum;
}

Curve downsample(const Curve& curve, size_t max_points) {
  const size_t n = curve.x.size();
  if (n <= max_points || max_points < 2) return curve;
  Curve out;
  for (size_t i = 0; i < max_points; ++i) {
    // Rounded even spacing over [0, n - 1]: index 0 and n - 1 are always included.
    const size_t at = static_cast<size_t>(std::llround(
        static_cast<double>(i) * static_cast<double>(n - 1) / static_cast<double>(max_points - 1)));
    out.x.push_back(curve.x[at]);
    out.y.push_back(curve.y[at]);
  }
  return out;
}

}  // namespace mlops
