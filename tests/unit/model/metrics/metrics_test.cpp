#include "mlops/model/metrics/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "mlops/core/error.h"

namespace mlops {
namespace {

TEST(Metrics, AccuracyCountsMatchingClasses) {
  std::vector<float> labels{0, 1, 2, 1};
  std::vector<int> predicted{0, 2, 2, 1};
  EXPECT_DOUBLE_EQ(accuracy(labels, predicted), 0.75);
}

TEST(Metrics, AucOfSmallExampleIsThreeQuarters) {
  // scikit-learn's roc_auc_score docs example.
  std::vector<float> labels{0, 0, 1, 1};
  std::vector<float> scores{0.1f, 0.4f, 0.35f, 0.8f};
  EXPECT_DOUBLE_EQ(roc_auc(labels, scores), 0.75);
}

TEST(Metrics, AucCountsTiedPairsAsHalf) {
  // Pairs (pos, neg): (0.5, 0.5) tie = 0.5, the other three ordered = 1 each -> 3.5 / 4.
  std::vector<float> labels{0, 1, 0, 1};
  std::vector<float> scores{0.5f, 0.5f, 0.2f, 0.9f};
  EXPECT_DOUBLE_EQ(roc_auc(labels, scores), 0.875);
}

TEST(Metrics, AucOfConstantScoresIsHalf) {
  std::vector<float> labels{0, 1, 1, 0, 1};
  std::vector<float> scores(5, 0.3f);
  EXPECT_DOUBLE_EQ(roc_auc(labels, scores), 0.5);
}

TEST(Metrics, AucIsNaNWhenOneClassIsAbsent) {
  std::vector<float> labels{1, 1};
  std::vector<float> scores{0.2f, 0.7f};
  EXPECT_TRUE(std::isnan(roc_auc(labels, scores)));
}

TEST(Metrics, BinaryLogLossAveragesNegativeLogLikelihood) {
  std::vector<float> labels{1, 0};
  std::vector<float> probability{0.8f, 0.3f};
  // -(ln 0.8 + ln 0.7) / 2
  EXPECT_NEAR(binary_log_loss(labels, probability), 0.2899092476264711, 1e-7);
}

TEST(Metrics, BinaryLogLossClipsCertainMistakes) {
  std::vector<float> labels{1};
  std::vector<float> probability{0.0f};
  EXPECT_NEAR(binary_log_loss(labels, probability), 34.538776394910684, 1e-9);  // -ln 1e-15
}

TEST(Metrics, BinaryLogLossOfClassLabelsMatchesTheGeneralFormulaExactly) {
  // 0/1 labels take one log each; soft labels still get both terms.
  const std::vector<float> labels{1, 0, 0, 1, 0.25f, 1, 0};
  const std::vector<float> probability{0.9f, 0.2f, 1e-20f, 1.0f, 0.6f, 0.3333f, 0.7777f};
  double sum = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const double p = std::clamp(static_cast<double>(probability[i]), 1e-15, 1 - 1e-15);
    const double y = labels[i];
    sum -= y * std::log(p) + (1 - y) * std::log(1 - p);
  }
  EXPECT_EQ(binary_log_loss(labels, probability), sum / static_cast<double>(labels.size()));
}

TEST(Metrics, MulticlassLogLossReadsTheTrueClassColumn) {
  std::vector<float> labels{0, 2};
  std::vector<float> probabilities{0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f};
  // -(ln 0.7 + ln 0.6) / 2
  EXPECT_NEAR(multiclass_log_loss(labels, probabilities, 3), 0.4337502838523616, 1e-7);
}

TEST(Metrics, RegressionMetricsMatchScikitLearnExample) {
  std::vector<float> labels{3, -0.5f, 2, 7};
  std::vector<float> predicted{2.5f, 0, 2, 8};
  EXPECT_DOUBLE_EQ(mae(labels, predicted), 0.5);
  EXPECT_DOUBLE_EQ(rmse(labels, predicted), std::sqrt(0.375));
  EXPECT_NEAR(r2(labels, predicted), 0.9486081370449679, 1e-12);
}

TEST(Metrics, R2OfMeanPredictionIsZero) {
  std::vector<float> labels{1, 2, 3, 6};
  std::vector<float> predicted(4, 3.0f);
  EXPECT_DOUBLE_EQ(r2(labels, predicted), 0.0);
}

TEST(Metrics, R2IsNaNForConstantLabels) {
  std::vector<float> labels{2, 2};
  std::vector<float> predicted{1, 3};
  EXPECT_TRUE(std::isnan(r2(labels, predicted)));
}

TEST(Metrics, ArgmaxRowsPrefersTheFirstOfTies) {
  std::vector<float> probabilities{0.2f, 0.5f, 0.3f, 0.4f, 0.4f, 0.2f};
  EXPECT_EQ(argmax_rows(probabilities, 3), (std::vector<int>{1, 0}));
}

TEST(Metrics, MismatchedSizesAreABug) {
  std::vector<float> labels{1, 0};
  std::vector<float> predicted{1};
  EXPECT_THROW(rmse(labels, predicted), InternalError);
}

}  // namespace
}  // namespace mlops
