// The radix order of scores against std::stable_sort, which the ranking metrics used before.

#include "mlops/model/metrics/score_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "synthetic.h"

namespace mlops {
namespace {

std::vector<size_t> stable_sorted(const std::vector<float>& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  return order;
}

TEST(ScoreOrder, EqualsAStableSortWithTiesAndNegatives) {
  testing::Uniform uniform(7);
  std::vector<float> scores;
  for (int i = 0; i < 100'000; ++i) {
    const float u = uniform.next();
    // Coarse values for many ties, negatives, tiny and huge magnitudes, and exact zeros.
    scores.push_back(i % 5 == 0   ? std::round(u * 20) / 20
                     : i % 5 == 1 ? -u * 1e30f
                     : i % 5 == 2 ? u * 1e-30f
                     : i % 5 == 3 ? 0.0f
                                  : u - 0.5f);
  }
  EXPECT_EQ(ascending_order(scores), stable_sorted(scores));
}

TEST(ScoreOrder, ProbabilitiesTakeTheSameOrder) {
  testing::Uniform uniform(11);
  std::vector<float> scores;
  for (int i = 0; i < 50'000; ++i) scores.push_back(1.0f / (1.0f + std::exp(-8 * uniform.next())));
  EXPECT_EQ(ascending_order(scores), stable_sorted(scores));
}

TEST(ScoreOrder, NegativeZeroJustBeforePositiveZeroAndSmallInputs) {
  EXPECT_EQ(ascending_order(std::vector<float>{0.0f, -0.0f, -1.0f, 1.0f}),
            (std::vector<size_t>{2, 1, 0, 3}));
  EXPECT_EQ(ascending_order(std::vector<float>{}), std::vector<size_t>{});
  EXPECT_EQ(ascending_order(std::vector<float>{0.5f}), std::vector<size_t>{0});
  EXPECT_EQ(ascending_order(std::vector<float>{2, 2, 1, 2}), (std::vector<size_t>{2, 0, 1, 3}));
}

}  // namespace
}  // namespace mlops
