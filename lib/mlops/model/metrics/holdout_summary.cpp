#include "mlops/model/metrics/holdout_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mlops/model/metrics/curves.h"
#include "mlops/model/train/row_split.h"

namespace mlops {

namespace {

nlohmann::json regression_summary(std::span<const float> labels, std::span<const float> predictions,
                                  uint64_t seed) {
  std::vector<size_t> sample(labels.size());
  std::iota(sample.begin(), sample.end(), size_t{0});
  if (labels.size() > kScatterPoints) {
    sample = random_sample(labels.size(),
                           static_cast<double>(kScatterPoints) / static_cast<double>(labels.size()),
                           seed, "evaluation sample");
  }
  std::vector<float> actual, predicted;
  for (size_t row : sample) {
    actual.push_back(labels[row]);
    predicted.push_back(predictions[row]);
  }

  std::vector<double> residuals(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    residuals[i] = static_cast<double>(labels[i]) - predictions[i];
  }
  const auto [low, high] = std::minmax_element(residuals.begin(), residuals.end());
  double first = residuals.empty() ? 0 : *low, last = residuals.empty() ? 0 : *high;
  if (last - first <= 0) {  // one value: a unit-wide bin around it
    first -= 0.5;
    last += 0.5;
  }
  const double width = (last - first) / kResidualBins;
  std::vector<double> edges;
  for (size_t b = 0; b <= kResidualBins; ++b)
    edges.push_back(first + width * static_cast<double>(b));
  edges.back() = last;
  std::vector<int64_t> counts(kResidualBins, 0);
  for (double residual : residuals) {
    const auto bin = static_cast<size_t>((residual - first) / width);
    ++counts[std::min(bin, kResidualBins - 1)];  // the maximum falls in the last bin
  }
  return {{"predicted_vs_actual", {{"actual", actual}, {"predicted", predicted}}},
          {"residuals", {{"edges", edges}, {"counts", counts}}}};
}

}  // namespace

nlohmann::json confusion_json(const std::vector<std::string>& classes,
                              const ConfusionMatrix& confusion) {
  return {{"labels", classes}, {"matrix", confusion}};
}

nlohmann::json evaluation_summary(Task task, const std::vector<std::string>& classes,
                                  std::span<const float> labels, std::span<const float> predictions,
                                  const ConfusionMatrix& confusion, uint64_t seed) {
  if (task == Task::kRegression) return regression_summary(labels, predictions, seed);
  nlohmann::json summary{{"confusion", confusion_json(classes, confusion)}};
  if (task == Task::kBinary) {
    const Curve roc = downsample(roc_curve(labels, predictions), kCurvePoints);
    const Curve pr = downsample(pr_curve(labels, predictions), kCurvePoints);
    summary["roc"] = {{"fpr", roc.x}, {"tpr", roc.y}};
    summary["pr"] = {{"recall", pr.x}, {"precision", pr.y}};
  }
  return summary;
}

}  // namespace mlops
