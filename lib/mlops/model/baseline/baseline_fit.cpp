// Fitting BaselineModel: standardise, fit the linear and the constant candidate on 80% of the
// rows, keep the better on the other 20%, refit it on all rows.

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <optional>

#include "mlops/core/error.h"
#include "mlops/model/baseline/baseline.h"
#include "mlops/model/baseline/linear_fit.h"
#include "mlops/model/metrics/task_metrics.h"
#include "mlops/model/train/row_split.h"

namespace mlops {

namespace {

constexpr double kL2 = 1.0;                // scikit-learn's Ridge(alpha=1), LogisticRegression(C=1)
constexpr double kMinProbability = 1e-15;  // a class absent from the rows: finite log prior
constexpr size_t kMinSelectionRows = 10;   // fewer rows: keep the constant model

const char* linear_name(Task task) {
  switch (task) {
    case Task::kBinary: return "logistic_regression";
    case Task::kMulticlass: return "softmax_regression";
    case Task::kRegression: return "ridge";
  }
  return "";
}

}  // namespace

/// Builds BaselineModel's fields; a friend so the file format stays the class's own business.
class BaselineFitter {
 public:
  BaselineFitter(const FeatureMatrix& rows, std::span<const float> labels, Task task, int num_class)
      : rows_(rows),
        labels_(labels),
        task_(task),
        num_class_(task == Task::kBinary ? 2 : num_class) {
    model_.task_ = task;
    model_.outputs_ = task == Task::kMulticlass ? num_class_ : 1;
    model_.features_ = rows.names;
    standardise();
  }

  /// The constant model on `subset` of the rows.
  BaselineModel constant(std::span<const size_t> subset) const {
    BaselineModel model = blank(task_ == Task::kRegression ? "mean" : "majority_class");
    if (task_ == Task::kRegression) {
      double sum = 0;
      for (size_t row : subset) sum += labels_[row];
      model.intercepts_[0] = sum / static_cast<double>(subset.size());
      return model;
    }
    std::vector<double> counts(static_cast<size_t>(num_class_), 0.0);
    for (size_t row : subset) counts[static_cast<size_t>(labels_[row])] += 1;
    const auto total = static_cast<double>(subset.size());
    auto prior = [&](size_t klass) { return std::max(counts[klass] / total, kMinProbability); };
    if (task_ == Task::kBinary) {
      model.intercepts_[0] = std::log(prior(1) / prior(0));  // the logit of the class-1 prior
    } else {
      for (size_t k = 0; k < counts.size(); ++k) model.intercepts_[k] = std::log(prior(k));
    }
    return model;
  }

  /// The linear model on `subset`, or nullopt when it cannot be fitted (one class only). Every
  /// row in order is fitted on the design matrix itself; another subset on a copy of its rows.
  std::optional<BaselineModel> linear(std::span<const size_t> subset) const {
    bool every_row = static_cast<Eigen::Index>(subset.size()) == design_.rows();
    for (size_t i = 0; every_row && i < subset.size(); ++i) every_row = subset[i] == i;
    Eigen::MatrixXd copied;
    if (!every_row) {
      copied.resize(static_cast<Eigen::Index>(subset.size()), design_.cols());
      for (size_t i = 0; i < subset.size(); ++i) {
        copied.row(static_cast<Eigen::Index>(i)) =
            design_.row(static_cast<Eigen::Index>(subset[i]));
      }
    }
    const Eigen::MatrixXd& x = every_row ? design_ : copied;
    Eigen::VectorXd y(x.rows());
    std::vector<int> classes;
    for (size_t i = 0; i < subset.size(); ++i) {
      y(static_cast<Eigen::Index>(i)) = labels_[subset[i]];
      classes.push_back(static_cast<int>(labels_[subset[i]]));
    }
    if (task_ != Task::kRegression &&
        std::all_of(classes.begin(), classes.end(), [&](int c) { return c == classes.front(); })) {
      return std::nullopt;
    }
    LinearFit fit = task_ == Task::kRegression ? fit_ridge(x, y, kL2)
                    : task_ == Task::kBinary   ? fit_logistic(x, y, kL2)
                                               : fit_softmax(x, classes, num_class_, kL2);
    BaselineModel model = blank(linear_name(task_));
    for (Eigen::Index k = 0; k < fit.intercepts.size(); ++k) {
      model.intercepts_[static_cast<size_t>(k)] = fit.intercepts(k);
      for (Eigen::Index j = 0; j < fit.coefficients.rows(); ++j) {
        model.coefficients_[static_cast<size_t>(k)][static_cast<size_t>(j)] =
            fit.coefficients(j, k);
      }
    }
    return model;
  }

  /// `metric` of `model` on `subset`.
  double score(const BaselineModel& model, std::span<const size_t> subset,
               const std::string& metric) const {
    std::vector<float> labels;
    for (size_t row : subset) labels.push_back(labels_[row]);
    const std::vector<float> predictions = model.predict(MatrixRows(rows_, subset, false));
    return metric_value(task_, num_class_, metric, labels, predictions);
  }

 private:
  BaselineModel blank(std::string name) const {
    BaselineModel model = model_;
    model.model_ = std::move(name);
    model.intercepts_.assign(static_cast<size_t>(model.outputs_), 0.0);
    model.coefficients_.assign(static_cast<size_t>(model.outputs_),
                               std::vector<double>(model.features_.size(), 0.0));
    return model;
  }

  // Means and standard deviations over non-null values (population, as StandardScaler); nulls
  // then become the mean, i.e. 0 once standardised. The design matrix: [1, standardised].
  void standardise() {
    const size_t n = rows_.rows, width = rows_.names.size();
    model_.means_.assign(width, 0.0);
    model_.scales_.assign(width, 1.0);
    design_.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(width + 1));
    design_.col(0).setOnes();
    for (size_t j = 0; j < width; ++j) {
      double sum = 0, squares = 0;
      size_t count = 0;
      for (size_t i = 0; i < n; ++i) {
        const float v = rows_.values[i * width + j];
        if (std::isnan(v)) continue;
        sum += v;
        ++count;
      }
      const double mean = count ? sum / static_cast<double>(count) : 0.0;
      for (size_t i = 0; i < n; ++i) {
        const float v = rows_.values[i * width + j];
        if (!std::isnan(v)) squares += (v - mean) * (v - mean);
      }
      const double sd = count ? std::sqrt(squares / static_cast<double>(count)) : 0.0;
      model_.means_[j] = mean;
      model_.scales_[j] = sd > 1e-12 * (1 + std::fabs(mean)) ? sd : 1.0;
      for (size_t i = 0; i < n; ++i) {
        const float v = rows_.values[i * width + j];
        design_(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j + 1)) =
            std::isnan(v) ? 0.0 : (v - mean) / model_.scales_[j];
      }
    }
  }

  const FeatureMatrix& rows_;
  std::span<const float> labels_;
  Task task_;
  int num_class_;
  BaselineModel model_;     // standardisation filled in, no coefficients
  Eigen::MatrixXd design_;  // [1, standardised features]: the fits' design matrix
};

BaselineModel BaselineModel::fit(const FeatureMatrix& rows, std::span<const float> labels,
                                 Task task, int num_class, uint64_t seed) {
  if (labels.size() != rows.rows || rows.rows == 0) {
    throw InternalError("BaselineModel::fit: {} labels for {} rows", labels.size(), rows.rows);
  }
  const BaselineFitter fitter(rows, labels, task, num_class);
  std::vector<size_t> all(rows.rows);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;

  BaselineSelection selection{default_metric(task), std::numeric_limits<double>::quiet_NaN(),
                              std::numeric_limits<double>::quiet_NaN(), 0, 0};
  bool linear_wins = false;
  // The refit on every row does not depend on the selection's outcome, only whether it is
  // kept: it runs on a second core meanwhile (the selection and the refit are each a Newton
  // fit of about 0.13 s on 200k rows), and is dropped when the constant wins.
  std::future<std::optional<BaselineModel>> linear_on_all;
  if (rows.rows >= kMinSelectionRows) {
    linear_on_all = std::async(std::launch::async, [&] { return fitter.linear(all); });
    std::vector<int> classes;
    if (task != Task::kRegression) classes.assign(labels.begin(), labels.end());
    std::optional<std::span<const int>> strata;
    if (!classes.empty()) strata = classes;
    const SplitIndices slice = random_split(rows.rows, 0.2, seed, strata, "baseline selection");
    selection.fit_rows = slice.train.size();
    selection.selection_rows = slice.holdout.size();
    selection.constant =
        fitter.score(fitter.constant(slice.train), slice.holdout, selection.metric);
    if (auto linear = fitter.linear(slice.train)) {
      selection.linear = fitter.score(*linear, slice.holdout, selection.metric);
      linear_wins = selection.linear < selection.constant;  // both metrics: lower is better
    }
  }
  std::optional<BaselineModel> chosen;
  if (linear_wins) {  // only ever set beside the refit
    chosen = linear_on_all.get();
  } else if (linear_on_all.valid()) {
    linear_on_all.wait();  // dropped: a refit nobody keeps must not fail the training
  }
  if (!chosen) chosen = fitter.constant(all);
  chosen->selection_ = selection;
  return *chosen;
}

}  // namespace mlops
