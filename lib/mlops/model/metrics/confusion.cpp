#include "mlops/model/metrics/confusion.h"

#include <limits>

#include "mlops/core/error.h"

namespace mlops {

namespace {

struct ClassCounts {
  double true_positives = 0;
  double predicted = 0;  // column sum
  double actual = 0;     // row sum
};

ClassCounts counts_of(const ConfusionMatrix& confusion, size_t klass) {
  ClassCounts counts;
  counts.true_positives = static_cast<double>(confusion[klass][klass]);
  for (size_t other = 0; other < confusion.size(); ++other) {
    counts.actual += static_cast<double>(confusion[klass][other]);
    counts.predicted += static_cast<double>(confusion[other][klass]);
  }
  return counts;
}

// 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + actual); 0 when both are 0.
double f1_of(const ClassCounts& counts) {
  const double denominator = counts.predicted + counts.actual;
  return denominator == 0 ? 0.0 : 2 * counts.true_positives / denominator;
}

}  // namespace

ConfusionMatrix confusion_matrix(std::span<const float> labels, std::span<const int> predicted,
                                 int num_class) {
  if (labels.size() != predicted.size()) {
    throw InternalError("confusion_matrix: {} labels but {} predictions", labels.size(),
                        predicted.size());
  }
  const auto classes = static_cast<size_t>(num_class);
  ConfusionMatrix confusion(classes, std::vector<int64_t>(classes, 0));
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto actual = static_cast<int>(labels[i]);
    if (actual < 0 || actual >= num_class || predicted[i] < 0 || predicted[i] >= num_class) {
      throw InternalError("confusion_matrix: class {} / {} outside 0..{}", labels[i], predicted[i],
                          num_class - 1);
    }
    ++confusion[static_cast<size_t>(actual)][static_cast<size_t>(predicted[i])];
  }
  return confusion;
}

double f1_binary(const ConfusionMatrix& confusion) {
  if (confusion.size() != 2) throw InternalError("f1_binary: {} classes", confusion.size());
  return f1_of(counts_of(confusion, 1));
}

double f1_macro(const ConfusionMatrix& confusion) {
  double sum = 0;
  size_t present = 0;
  for (size_t klass = 0; klass < confusion.size(); ++klass) {
    const ClassCounts counts = counts_of(confusion, klass);
    if (counts.actual == 0 && counts.predicted == 0) continue;
    sum += f1_of(counts);
    ++present;
  }
  return present == 0 ? std::numeric_limits<double>::quiet_NaN()
                      : sum / static_cast<double>(present);
}

}  // namespace mlops
