#include "mlops/model/tree_ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/model/trainer.h"
#include "mlops/model/xgb.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::TempDir;

/// Trains a small model, then scores rows (with missing values) both ways.
void expect_same_as_xgboost(Shape shape, const std::string& objective, int num_class) {
  TempDir dir;
  auto data = make_synthetic(shape, 400);
  TrainSpec spec;
  spec.objective = objective;
  spec.rounds = 25;
  spec.params = {{"max_depth", "5"}, {"eta", "0.3"}};
  train_xgboost(data.features, data.labels, spec, num_class, dir.file("model.json"));

  FeatureMatrix scoring = data.features;
  for (size_t i = 0; i < scoring.values.size(); i += 7) {
    scoring.values[i] = std::numeric_limits<float>::quiet_NaN();  // missing: default direction
  }
  const Booster booster = Booster::load(dir.file("model.json"));
  const std::optional<TreeEnsemble> trees = TreeEnsemble::load(dir.file("model.json"));
  ASSERT_TRUE(trees.has_value());
  const MatrixRows rows(scoring);
  const std::vector<float> expected = booster.predict(rows);
  const std::vector<float> actual = trees->predict(rows, 2);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 1e-6) << "value " << i;
  }
}

TEST(TreeEnsemble, BinaryMatchesXgboostIncludingMissingValues) {
  expect_same_as_xgboost(Shape::kBinary, "binary:logistic", 2);
}

TEST(TreeEnsemble, MulticlassMatchesXgboost) {
  expect_same_as_xgboost(Shape::kThreeClasses, "multi:softprob", 3);
}

TEST(TreeEnsemble, RegressionMatchesXgboost) {
  expect_same_as_xgboost(Shape::kRegression, "reg:squarederror", 0);
}

TEST(TreeEnsemble, RobustRegressionObjectivesMatchXgboost) {
  expect_same_as_xgboost(Shape::kRegression, "reg:pseudohubererror", 0);
  expect_same_as_xgboost(Shape::kRegression, "reg:absoluteerror", 0);
}

TEST(TreeEnsemble, LeavesModelsItCannotReproduceToXgboost) {
  nlohmann::json model = {{"learner",
                           {{"gradient_booster", {{"name", "gblinear"}}},
                            {"learner_model_param", {{"num_feature", "2"}, {"num_class", "0"}}},
                            {"objective", {{"name", "reg:squarederror"}}}}}};
  EXPECT_FALSE(TreeEnsemble::from_json(model).has_value());
}

TEST(TreeEnsemble, RejectsAFileThatIsNotAModel) {
  TempDir dir;
  EXPECT_THROW(TreeEnsemble::load(dir.write("model.json", "{\"learner\": 3}")), ModelError);
}

}  // namespace
}  // namespace mlops
