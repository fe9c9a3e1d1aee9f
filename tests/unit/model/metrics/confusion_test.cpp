#include "mlops/model/metrics/confusion.h"

#include <gtest/gtest.h>

#include <vector>

#include "mlops/core/error.h"

namespace mlops {
namespace {

// Expected values from scikit-learn 1.2.1 (python3-sklearn): confusion_matrix and f1_score on
// the same arrays.

TEST(Confusion, RowsAreActualColumnsArePredicted) {
  std::vector<float> labels{0, 1, 2, 2, 1, 0, 2, 1};
  std::vector<int> predicted{0, 2, 2, 2, 1, 1, 0, 1};
  EXPECT_EQ(confusion_matrix(labels, predicted, 3),
            (ConfusionMatrix{{1, 1, 0}, {0, 2, 1}, {1, 0, 2}}));
}

TEST(Confusion, MacroF1MatchesScikitLearn) {
  std::vector<float> labels{0, 1, 2, 2, 1, 0, 2, 1};
  std::vector<int> predicted{0, 2, 2, 2, 1, 1, 0, 1};
  EXPECT_NEAR(f1_macro(confusion_matrix(labels, predicted, 3)), 0.611111111111111, 1e-12);
}

TEST(Confusion, MacroF1SkipsClassesNeitherPresentNorPredicted) {
  // Class 2 never occurs; class 3 is predicted once but never present (its F1 is 0).
  std::vector<float> labels{0, 1, 1, 0};
  std::vector<int> predicted{0, 1, 3, 0};
  EXPECT_NEAR(f1_macro(confusion_matrix(labels, predicted, 4)), 0.5555555555555555, 1e-12);
}

TEST(Confusion, BinaryF1IsOfClassOne) {
  // The curves test's rows at threshold 0.5: TP 3, FP 2, FN 2 -> 2*3 / (2*3 + 2 + 2) = 0.6.
  std::vector<float> labels{1, 0, 1, 1, 0, 0, 1, 0, 1, 0};
  std::vector<int> predicted{1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(f1_binary(confusion_matrix(labels, predicted, 2)), 0.6);
}

TEST(Confusion, BinaryF1IsZeroWhenClassOneIsNeverPredicted) {
  std::vector<float> labels{0, 0, 1, 1};
  std::vector<int> predicted{0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(f1_binary(confusion_matrix(labels, predicted, 2)), 0.0);
}

TEST(Confusion, ClassOutsideTheRangeIsABug) {
  std::vector<float> labels{0, 3};
  std::vector<int> predicted{0, 1};
  EXPECT_THROW(confusion_matrix(labels, predicted, 2), InternalError);
}

}  // namespace
}  // namespace mlops
