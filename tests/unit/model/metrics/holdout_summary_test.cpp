#include "mlops/model/metrics/holdout_summary.h"

#include <gtest/gtest.h>

#include <vector>

#include "mlops/model/train/splitmix.h"

namespace mlops {
namespace {

TEST(Evaluation, BinarySummaryHasCappedCurvesAndTheConfusion) {
  std::vector<float> labels, scores;
  SplitMix64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    const float score = static_cast<float>(unit_interval(rng.next()));
    scores.push_back(score);
    labels.push_back(unit_interval(rng.next()) < score ? 1.0f : 0.0f);
  }
  const ConfusionMatrix confusion{{1, 2}, {3, 4}};
  const auto summary =
      evaluation_summary(Task::kBinary, {"no", "yes"}, labels, scores, confusion, 1);
  EXPECT_EQ(summary["roc"]["fpr"].size(), kCurvePoints);
  EXPECT_EQ(summary["roc"]["tpr"].size(), kCurvePoints);
  EXPECT_EQ(summary["roc"]["fpr"].front(), 0.0);
  EXPECT_EQ(summary["roc"]["tpr"].back(), 1.0);
  EXPECT_EQ(summary["pr"]["recall"].size(), kCurvePoints);
  EXPECT_EQ(summary["pr"]["precision"].size(), kCurvePoints);
  EXPECT_EQ(summary["confusion"],
            nlohmann::json::parse(R"({"labels": ["no", "yes"], "matrix": [[1, 2], [3, 4]]})"));
}

TEST(Evaluation, MulticlassSummaryIsTheConfusionOnly) {
  std::vector<float> labels{0, 1, 2};
  std::vector<float> probabilities(9, 1.0f / 3);
  const auto summary = evaluation_summary(Task::kMulticlass, {"a", "b", "c"}, labels, probabilities,
                                          {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}}, 1);
  EXPECT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary["confusion"]["labels"].size(), 3u);
}

TEST(Evaluation, RegressionSummarySamplesPointsAndBinsEveryResidual) {
  std::vector<float> actual, predicted;
  for (int i = 0; i < 3000; ++i) {
    actual.push_back(static_cast<float>(i));
    predicted.push_back(static_cast<float>(i) + static_cast<float>(i % 7) - 3.0f);
  }
  const auto summary = evaluation_summary(Task::kRegression, {}, actual, predicted, {}, 5);
  EXPECT_EQ(summary["predicted_vs_actual"]["actual"].size(), kScatterPoints);
  EXPECT_EQ(summary["predicted_vs_actual"]["predicted"].size(), kScatterPoints);
  const auto& edges = summary["residuals"]["edges"];
  const auto& counts = summary["residuals"]["counts"];
  ASSERT_EQ(counts.size(), kResidualBins);
  ASSERT_EQ(edges.size(), kResidualBins + 1);
  EXPECT_EQ(edges.front(), -3.0);  // residuals actual - predicted run from -3 to 3
  EXPECT_EQ(edges.back(), 3.0);
  int64_t total = 0;
  for (const auto& count : counts) total += count.get<int64_t>();
  EXPECT_EQ(total, 3000);
  // The same seed gives the same sample.
  EXPECT_EQ(evaluation_summary(Task::kRegression, {}, actual, predicted, {}, 5), summary);
}

TEST(Evaluation, ConstantResidualsGetAUnitWideRange) {
  std::vector<float> actual{1, 2}, predicted{0, 1};
  const auto summary = evaluation_summary(Task::kRegression, {}, actual, predicted, {}, 5);
  EXPECT_EQ(summary["residuals"]["edges"].front(), 0.5);
  EXPECT_EQ(summary["residuals"]["edges"].back(), 1.5);
}

}  // namespace
}  // namespace mlops
