#include "mlops/model/metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/model/metrics/score_order.h"

namespace mlops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kEpsilon = 1e-15;  // scikit-learn's clip for log loss

void check_sizes(size_t labels, size_t predicted, const char* metric) {
  if (labels != predicted) {
    throw InternalError("{}: {} labels but {} predictions", metric, labels, predicted);
  }
}

double clip(double probability) {
  return std::clamp(probability, kEpsilon, 1.0 - kEpsilon);
}

}  // namespace

double accuracy(std::span<const float> labels, std::span<const int> predicted) {
  check_sizes(labels.size(), predicted.size(), "accuracy");
  if (labels.empty()) return kNaN;
  size_t correct = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (static_cast<int>(labels[i]) == predicted[i]) ++correct;
  }
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

double binary_log_loss(std::span<const float> labels, std::span<const float> probability) {
  check_sizes(labels.size(), probability.size(), "binary_log_loss");
  if (labels.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const double p = clip(probability[i]);
    const double y = labels[i];
    // A 0/1 label zeroes one term exactly, so only the other log is taken (the loop runs every
    // boosting round on every training row); the sum is bit for bit the general formula's.
    if (y == 1) {
      sum -= std::log(p);
    } else if (y == 0) {
      sum -= std::log(1 - p);
    } else {
      sum -= y * std::log(p) + (1 - y) * std::log(1 - p);
    }
  }
  return sum / static_cast<double>(labels.size());
}

double multiclass_log_loss(std::span<const float> labels, std::span<const float> probabilities,
                           int num_class) {
  if (num_class <= 0) throw InternalError("multiclass_log_loss: num_class {}", num_class);
  check_sizes(labels.size() * static_cast<size_t>(num_class), probabilities.size(),
              "multiclass_log_loss");
  if (labels.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!(labels[i] >= 0 && labels[i] < static_cast<float>(num_class))) {
      throw InternalError("multiclass_log_loss: label {} is not a class of {}", labels[i],
                          num_class);
    }
    auto klass = static_cast<size_t>(labels[i]);
    sum -= std::log(clip(probabilities[i * static_cast<size_t>(num_class) + klass]));
  }
  return sum / static_cast<double>(labels.size());
}

double roc_auc(std::span<const float> labels, std::span<const float> scores) {
  check_sizes(labels.size(), scores.size(), "roc_auc");
  const std::vector<size_t> order = ascending_order(scores);
  // Mann-Whitney U: the positives' rank sum, tied scores sharing their average rank.
  double positive_rank_sum = 0;
  size_t positives = 0;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    while (end < order.size() && scores[order[end]] == scores[order[begin]]) ++end;
    double average_rank = (static_cast<double>(begin + 1) + static_cast<double>(end)) / 2;
    for (size_t k = begin; k < end; ++k) {
      if (labels[order[k]] > 0.5f) {
        positive_rank_sum += average_rank;
        ++positives;
      }
    }
    begin = end;
  }
  size_t negatives = labels.size() - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  double p = static_cast<double>(positives);
  return (positive_rank_sum - p * (p + 1) / 2) / (p * static_cast<double>(negatives));
}

double rmse(std::span<const float> labels, std::span<const float> predicted) {
  check_sizes(labels.size(), predicted.size(), "rmse");
  if (labels.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    double error = static_cast<double>(labels[i]) - predicted[i];
    sum += error * error;
  }
  return std::sqrt(sum / static_cast<double>(labels.size()));
}

double mae(std::span<const float> labels, std::span<const float> predicted) {
  check_sizes(labels.size(), predicted.size(), "mae");
  if (labels.empty()) return kNaN;
  double sum = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    sum += std::fabs(static_cast<double>(labels[i]) - predicted[i]);
  }
  return sum / static_cast<double>(labels.size());
}

double r2(std::span<const float> labels, std::span<const float> predicted) {
  check_sizes(labels.size(), predicted.size(), "r2");
  if (labels.empty()) return kNaN;
  double mean = 0;
  for (float label : labels) mean += label;
  mean /= static_cast<double>(labels.size());
  double residual = 0, total = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    double error = static_cast<double>(labels[i]) - predicted[i];
    double spread = labels[i] - mean;
    residual += error * error;
    total += spread * spread;
  }
  // A constant target leaves r2 undefined; NaN says so rather than inventing 0 or 1.
  if (total == 0) return kNaN;
  return 1 - residual / total;
}

std::vector<int> argmax_rows(std::span<const float> probabilities, int num_class) {
  if (num_class <= 0 || probabilities.size() % static_cast<size_t>(num_class) != 0) {
    throw InternalError("argmax_rows: {} values do not form rows of {}", probabilities.size(),
                        num_class);
  }
  const auto width = static_cast<size_t>(num_class);
  std::vector<int> result(probabilities.size() / width);
  for (size_t row = 0; row < result.size(); ++row) {
    auto first = probabilities.begin() + static_cast<std::ptrdiff_t>(row * width);
    // max_element keeps the first of equal maxima, so ties go to the lower class.
    result[row] = static_cast<int>(std::max_element(first, first + num_class) - first);
  }
  return result;
}

}  // namespace mlops
