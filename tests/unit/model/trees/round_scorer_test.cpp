// Per-round predictions from the compiled trees against XGBoost's own prediction of the model cut
// to that many rounds: equal to the last bit, for every objective family and tree layout.

#include "mlops/model/trees/round_scorer.h"

#include <gtest/gtest.h>

#include <limits>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/model/train/trainer.h"
#include "mlops/model/xgb/xgb.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::TempDir;

/// Trains `rounds` rounds, then checks every round's predictions on rows with missing values.
void expect_every_round_as_xgboost(Shape shape, const std::string& objective, int num_class,
                                   Params extra = {}, float label_shift = 0) {
  TempDir dir;
  auto data = make_synthetic(shape, 300);
  for (float& label : data.labels) label += label_shift;
  TrainSpec spec;
  spec.objective = objective;
  spec.rounds = 15;
  spec.params = {{"max_depth", "4"}, {"eta", "0.3"}};
  spec.params.insert(spec.params.end(), extra.begin(), extra.end());
  train_xgboost(data.features, data.labels, spec, num_class, dir.file("model.json"));

  FeatureMatrix scoring = data.features;
  for (size_t i = 0; i < scoring.values.size(); i += 5) {
    scoring.values[i] = std::numeric_limits<float>::quiet_NaN();  // missing: default direction
  }
  const MatrixRows rows(scoring);
  const Booster booster = Booster::load(dir.file("model.json"));
  const auto scorer =
      RoundScorer::from_json(nlohmann::json::parse(read_file(dir.file("model.json"))));
  ASSERT_TRUE(scorer.has_value());
  ASSERT_EQ(scorer->rounds(), 15);
  std::vector<float> margins = scorer->base_margins(rows.rows());
  const TreeEnsemble::WideRows wide = scorer->widen(rows);
  std::vector<std::vector<float>> by_round;
  for (int round = 0; round < scorer->rounds(); ++round) {
    std::vector<std::vector<float>> after;
    scorer->add_rounds(round, round + 1, wide, margins, after);  // one round per pass
    by_round.push_back(margins);
    ASSERT_EQ(after.at(0), margins);
    std::vector<float> predictions = margins;
    scorer->transform(predictions);
    const std::vector<float> expected = booster.slice(round + 1).predict(rows);
    ASSERT_EQ(predictions.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(predictions[i], expected[i]) << "round " << round + 1 << ", value " << i;
    }
  }
  // Passes of several rounds over blocks of rows (the rows repeated 11 times: 3300 rows, four
  // blocks on two threads) give the same margins after every round.
  FeatureMatrix many = scoring;
  for (int copy = 0; copy < 10; ++copy) {
    many.values.insert(many.values.end(), scoring.values.begin(), scoring.values.end());
  }
  many.rows = scoring.rows * 11;
  const MatrixRows many_rows(many);
  const TreeEnsemble::WideRows many_wide = scorer->widen(many_rows);
  std::vector<float> passed = scorer->base_margins(many_rows.rows());
  for (int first = 0; first < scorer->rounds(); first += 4) {
    const int last = std::min(scorer->rounds(), first + 4);
    std::vector<std::vector<float>> after;
    scorer->add_rounds(first, last, many_wide, passed, after);
    ASSERT_EQ(after.size(), static_cast<size_t>(last - first));
    for (int round = first; round < last; ++round) {
      const std::vector<float>& expected = by_round[static_cast<size_t>(round)];
      const std::vector<float>& got = after[static_cast<size_t>(round - first)];
      ASSERT_EQ(got.size(), expected.size() * 11);
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i], expected[i % expected.size()])
            << "round " << round + 1 << ", value " << i;
      }
    }
  }
}

TEST(RoundScorer, BinaryRoundsEqualXgboost) {
  expect_every_round_as_xgboost(Shape::kBinary, "binary:logistic", 2);
}

TEST(RoundScorer, MulticlassRoundsEqualXgboost) {
  expect_every_round_as_xgboost(Shape::kThreeClasses, "multi:softprob", 3);
}

TEST(RoundScorer, RegressionRoundsEqualXgboost) {
  expect_every_round_as_xgboost(Shape::kRegression, "reg:squarederror", 0);
  expect_every_round_as_xgboost(Shape::kRegression, "count:poisson", 0, {}, 1.0f);  // labels >= 0
}

TEST(RoundScorer, SeveralTreesPerClassAndRoundAreAddedInTreeOrder) {
  // A boosted forest: three trees per class each round, summed in XGBoost's order.
  expect_every_round_as_xgboost(Shape::kThreeClasses, "multi:softprob", 3,
                                {{"num_parallel_tree", "3"}, {"subsample", "0.7"}});
}

TEST(RoundScorer, LeavesModelsTreeEnsembleCannotReproduce) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 200);
  TrainSpec spec;
  spec.objective = "binary:logistic";
  spec.rounds = 3;
  spec.params = {{"booster", "dart"}};
  train_xgboost(data.features, data.labels, spec, 2, dir.file("dart.json"));
  EXPECT_FALSE(RoundScorer::from_json(nlohmann::json::parse(read_file(dir.file("dart.json")))));
  spec.params = {{"booster", "gblinear"}};
  train_xgboost(data.features, data.labels, spec, 2, dir.file("linear.json"));
  EXPECT_FALSE(RoundScorer::from_json(nlohmann::json::parse(read_file(dir.file("linear.json")))));
}

TEST(RoundScorer, RejectsAFileThatIsNotAModel) {
  EXPECT_THROW(RoundScorer::from_json(nlohmann::json::parse("{\"learner\": 3}")), ModelError);
}

}  // namespace
}  // namespace mlops
