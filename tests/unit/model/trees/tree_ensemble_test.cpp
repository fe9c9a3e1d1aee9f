#include "mlops/model/trees/tree_ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/model/train/trainer.h"
#include "mlops/model/xgb/xgb.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::TempDir;

/// Trains a small model, then scores rows (with missing values) both ways: the same bits.
/// 403 rows: the last group of 16 rows walking together is partial.
void expect_same_as_xgboost(Shape shape, const std::string& objective, int num_class,
                            const std::string& max_depth = "5") {
  TempDir dir;
  auto data = make_synthetic(shape, 403);
  TrainSpec spec;
  spec.objective = objective;
  spec.rounds = 25;
  spec.params = {{"max_depth", max_depth}, {"eta", "0.3"}};
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
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_EQ(actual[i], expected[i]) << "value " << i;
  // One thread scores the same as two.
  EXPECT_EQ(trees->predict(rows, 1), actual);
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

TEST(TreeEnsemble, StumpsAndDeepTreesMatchXgboost) {
  expect_same_as_xgboost(Shape::kBinary, "binary:logistic", 2, "1");
  expect_same_as_xgboost(Shape::kBand, "binary:logistic", 2, "10");
}

/// A regression model of one tree (node arrays as XGBoost saves them) on one feature.
nlohmann::json one_tree_model(const nlohmann::json& left, const nlohmann::json& right,
                              const nlohmann::json& conditions) {
  const size_t size = left.size();
  nlohmann::json tree = {{"tree_param", {{"size_leaf_vector", "0"}}},
                         {"split_type", std::vector<int>(size, 0)},
                         {"left_children", left},
                         {"right_children", right},
                         {"split_indices", std::vector<int>(size, 0)},
                         {"split_conditions", conditions},
                         {"default_left", std::vector<int>(size, 1)}};
  return {
      {"learner",
       {{"gradient_booster",
         {{"name", "gbtree"}, {"model", {{"trees", {tree}}, {"tree_info", {0}}}}}},
        {"learner_model_param", {{"num_feature", "1"}, {"num_class", "0"}, {"base_score", "5E-1"}}},
        {"objective", {{"name", "reg:squarederror"}}}}}};
}

/// A chain of `depth` splits (x < level goes to a leaf worth `level`), ending in a leaf of -1.
nlohmann::json chain_model(int depth) {
  nlohmann::json left = nlohmann::json::array(), right = nlohmann::json::array(),
                 conditions = nlohmann::json::array();
  for (int level = 0; level < depth; ++level) {
    const int node = static_cast<int>(left.size());
    left.push_back(node + 1), right.push_back(node + 2), conditions.push_back(level);
    left.push_back(-1), right.push_back(-1), conditions.push_back(level);
  }
  left.push_back(-1), right.push_back(-1), conditions.push_back(-1.0);
  return one_tree_model(left, right, conditions);
}

TEST(TreeEnsemble, ScoresAHandWrittenModelAndLeavesTooDeepTreesToXgboost) {
  const std::optional<TreeEnsemble> twelve = TreeEnsemble::from_json(chain_model(12));
  ASSERT_TRUE(twelve.has_value());
  FeatureMatrix rows{{"x"}, 3, {2.5f, 50.0f, std::numeric_limits<float>::quiet_NaN()}};
  // base 0.5 + leaf: 3 (x < 3), -1 (past every split), 0 (missing goes left at the root).
  EXPECT_EQ(twelve->predict(MatrixRows(rows)), (std::vector<float>{3.5f, -0.5f, 0.5f}));
  EXPECT_FALSE(TreeEnsemble::from_json(chain_model(13)).has_value());
}

TEST(TreeEnsemble, NamesTheTreeOfAMalformedSplit) {
  try {
    TreeEnsemble::from_json(one_tree_model({1, -1}, {5, -1}, {0.5, 1.0}));
    FAIL() << "no error";
  } catch (const ModelError& e) {
    EXPECT_STREQ(e.what(), "tree 0: tree node 0 has a child out of range or out of order");
  }
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
