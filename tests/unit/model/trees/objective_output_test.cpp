// The objective's start and transform on their own; RoundScorer's tests check them against
// XGBoost's predictions to the bit.

#include "mlops/model/trees/objective_output.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace mlops {
namespace {

TEST(ObjectiveOutput, StartsAtTheInverseLinkOfTheBaseScore) {
  EXPECT_EQ(ObjectiveOutput::of("binary:logistic", 0.5f)->base_margin(), 0.0f);
  EXPECT_EQ(ObjectiveOutput::of("binary:logistic", 0.25f)->base_margin(),
            -std::log(1.0f / 0.25f - 1.0f));
  EXPECT_EQ(ObjectiveOutput::of("reg:squarederror", 23.5f)->base_margin(), 23.5f);
  EXPECT_EQ(ObjectiveOutput::of("count:poisson", 2.0f)->base_margin(), std::log(2.0f));
}

TEST(ObjectiveOutput, TransformsMarginsAsXgboostDoes) {
  std::vector<float> binary{0.0f, 2.0f};
  ObjectiveOutput::of("binary:logistic", 0.5f)->transform(binary, 1);
  EXPECT_EQ(binary, (std::vector<float>{0.5f, 1.0f / (1.0f + std::exp(-2.0f))}));
  std::vector<float> classes{1.0f, 1.0f, 1.0f, 0.0f, 0.0f, std::log(2.0f)};
  ObjectiveOutput::of("multi:softprob", 0.5f)->transform(classes, 3);
  EXPECT_FLOAT_EQ(classes[0], 1.0f / 3);
  EXPECT_FLOAT_EQ(classes[5], 0.5f);  // e^log2 / (1 + 1 + 2)
  std::vector<float> regression{1.5f};
  ObjectiveOutput::of("reg:squarederror", 0.5f)->transform(regression, 1);
  EXPECT_EQ(regression[0], 1.5f);
}

TEST(ObjectiveOutput, LeavesOtherObjectivesToXgboost) {
  EXPECT_FALSE(ObjectiveOutput::of("survival:cox", 0.5f).has_value());
  EXPECT_FALSE(ObjectiveOutput::of("rank:pairwise", 0.5f).has_value());
}

}  // namespace
}  // namespace mlops
