#include "mlops/model/metrics/task_metrics.h"

#include <gtest/gtest.h>

#include <vector>

#include "mlops/core/error.h"

namespace mlops {
namespace {

TEST(Evaluate, BinaryMetricsIncludePrAucAndF1) {
  // The curves test's rows: AP 0.7254, F1 0.6 and AUC 0.66 per scikit-learn 1.2.1.
  std::vector<float> labels{1, 0, 1, 1, 0, 0, 1, 0, 1, 0};
  std::vector<float> scores{0.9f, 0.8f, 0.7f, 0.7f, 0.55f, 0.5f, 0.5f, 0.3f, 0.2f, 0.1f};
  auto metrics = task_metrics(Task::kBinary, 2, labels, scores);
  ASSERT_EQ(metrics.size(), 5u);
  EXPECT_NEAR(metrics.at("pr_auc"), 0.7253968253968255, 1e-12);
  EXPECT_DOUBLE_EQ(metrics.at("f1"), 0.6);
  EXPECT_DOUBLE_EQ(metrics.at("accuracy"), 0.6);  // 0.5 is not above the threshold
  EXPECT_NEAR(metrics.at("auc"), 0.66, 1e-12);    // roc_auc_score
}

TEST(Evaluate, MulticlassF1IsMacro) {
  std::vector<float> labels{0, 1, 2};
  std::vector<float> probabilities{0.8f, 0.1f, 0.1f, 0.1f, 0.2f, 0.7f, 0.1f, 0.1f, 0.8f};
  auto metrics = task_metrics(Task::kMulticlass, 3, labels, probabilities);
  // Predicted 0, 2, 2: F1 per class 1, 0, 2/3.
  EXPECT_NEAR(metrics.at("f1"), (1 + 0 + 2.0 / 3) / 3, 1e-12);
  EXPECT_NEAR(metrics.at("accuracy"), 2.0 / 3, 1e-12);
}

TEST(Evaluate, OneMetricEqualsItsEntryInTheWholeSet) {
  std::vector<float> labels{3, -0.5f, 2, 7}, predicted{2.5f, 0, 2, 8};
  auto all = task_metrics(Task::kRegression, 0, labels, predicted);
  for (const auto& name : task_metric_names(Task::kRegression)) {
    EXPECT_EQ(metric_value(Task::kRegression, 0, name, labels, predicted), all.at(name)) << name;
  }
}

TEST(Evaluate, UnknownMetricNamesTheKeyAndTheChoices) {
  try {
    check_metric_name(Task::kMulticlass, "auc", "train.early_stopping.metric");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "train.early_stopping.metric: 'auc' is not a metric of multiclass "
                 "classification (accuracy, f1, logloss)");
  }
  EXPECT_NO_THROW(check_metric_name(Task::kBinary, "pr_auc", "k"));
}

TEST(Evaluate, DirectionAndDefaults) {
  EXPECT_TRUE(higher_is_better("auc"));
  EXPECT_TRUE(higher_is_better("r2"));
  EXPECT_FALSE(higher_is_better("logloss"));
  EXPECT_FALSE(higher_is_better("mae"));
  EXPECT_EQ(default_metric(Task::kBinary), "logloss");
  EXPECT_EQ(default_metric(Task::kRegression), "rmse");
}

}  // namespace
}  // namespace mlops
