#include "mlops/model/metrics/curves.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace mlops {
namespace {

// Ten rows with ties at 0.7 and 0.5. Expected values from scikit-learn 1.2.1 (Debian's
// python3-sklearn) on the same arrays: average_precision_score, roc_curve(...,
// drop_intermediate=False) and precision_recall_curve (reversed to recall ascending).
const std::vector<float> kLabels{1, 0, 1, 1, 0, 0, 1, 0, 1, 0};
const std::vector<float> kScores{0.9f, 0.8f, 0.7f, 0.7f, 0.55f, 0.5f, 0.5f, 0.3f, 0.2f, 0.1f};

TEST(Curves, AveragePrecisionMatchesScikitLearn) {
  EXPECT_NEAR(average_precision(kLabels, kScores), 0.7253968253968255, 1e-12);
}

TEST(Curves, AveragePrecisionOfAPerfectRankingIsOne) {
  std::vector<float> labels{0, 1, 0, 1}, scores{0.1f, 0.9f, 0.2f, 0.8f};
  EXPECT_DOUBLE_EQ(average_precision(labels, scores), 1.0);
}

TEST(Curves, AveragePrecisionIsNaNWithoutPositives) {
  std::vector<float> labels{0, 0}, scores{0.1f, 0.9f};
  EXPECT_TRUE(std::isnan(average_precision(labels, scores)));
}

TEST(Curves, RocCurveMatchesScikitLearn) {
  const Curve roc = roc_curve(kLabels, kScores);
  EXPECT_EQ(roc.x, (std::vector<double>{0.0, 0.0, 0.2, 0.2, 0.4, 0.6, 0.8, 0.8, 1.0}));
  EXPECT_EQ(roc.y, (std::vector<double>{0.0, 0.2, 0.2, 0.6, 0.6, 0.8, 0.8, 1.0, 1.0}));
}

TEST(Curves, PrecisionRecallCurveMatchesScikitLearn) {
  const Curve pr = pr_curve(kLabels, kScores);
  EXPECT_EQ(pr.x, (std::vector<double>{0.0, 0.2, 0.2, 0.6, 0.6, 0.8, 0.8, 1.0, 1.0}));
  const std::vector<double> precision{
      1.0, 1.0, 0.5, 0.75, 0.6, 0.5714285714285714, 0.5, 0.5555555555555556, 0.5};
  ASSERT_EQ(pr.y.size(), precision.size());
  for (size_t i = 0; i < precision.size(); ++i) EXPECT_NEAR(pr.y[i], precision[i], 1e-15) << i;
}

TEST(Curves, RocCurveIsEmptyWhenOneClassIsAbsent) {
  std::vector<float> labels{1, 1}, scores{0.1f, 0.9f};
  EXPECT_TRUE(roc_curve(labels, scores).x.empty());
}

TEST(Curves, DownsampleKeepsEndsAndCapsPoints) {
  Curve curve;
  for (int i = 0; i <= 1000; ++i) {
    curve.x.push_back(i);
    curve.y.push_back(2 * i);
  }
  const Curve small = downsample(curve, 200);
  ASSERT_EQ(small.x.size(), 200u);
  EXPECT_EQ(small.x.front(), 0);
  EXPECT_EQ(small.x.back(), 1000);
  EXPECT_EQ(small.y.back(), 2000);
  EXPECT_EQ(downsample(small, 300).x, small.x);  // already small enough: unchanged
}

}  // namespace
}  // namespace mlops
