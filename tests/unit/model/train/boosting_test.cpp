// The round-by-round loop through train_xgboost: the per-round curve, early stopping on a
// validation set carved from the training side, and the saved model keeping the best round.

#include "mlops/model/train/boosting.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "mlops/core/error.h"
#include "mlops/model/metrics/task_metrics.h"
#include "mlops/model/train/trainer.h"
#include "mlops/model/trees/tree_ensemble.h"
#include "mlops/model/xgb/xgb.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::TempDir;

TrainSpec stopping_spec(std::string objective, int rounds, int patience) {
  TrainSpec spec;
  spec.objective = std::move(objective);
  spec.rounds = rounds;
  spec.params = {{"max_depth", "4"}, {"eta", "0.5"}};
  spec.early_stopping.rounds = patience;
  return spec;
}

TEST(Boosting, EarlyStoppingKeepsTheBestRoundAndSavesOnlyItsTrees) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 400);
  TrainSpec spec = stopping_spec("binary:logistic", 300, 10);
  TrainResult result = train_xgboost(data.features, data.labels, spec, 2, dir.file("m.json"));
  const RoundCurve& curve = result.curve;
  EXPECT_EQ(curve.metric, "logloss");
  EXPECT_EQ(curve.watched, "validation");
  EXPECT_TRUE(curve.stopped_early);
  EXPECT_LT(curve.rounds_trained, 300);
  EXPECT_EQ(curve.rounds_trained, curve.best_round + 10);  // patience ran out
  ASSERT_EQ(curve.train.size(), static_cast<size_t>(curve.rounds_trained));
  ASSERT_EQ(curve.watched_values.size(), curve.train.size());
  // The best round is the lowest validation log loss (the first of equals).
  const auto lowest = std::min_element(curve.watched_values.begin(), curve.watched_values.end());
  EXPECT_EQ(lowest - curve.watched_values.begin() + 1, curve.best_round);

  // The file holds exactly the kept rounds, and every reader scores with those trees.
  const Booster saved = Booster::load(dir.file("m.json"));
  EXPECT_EQ(saved.boosted_rounds(), curve.best_round);
  const MatrixRows rows(data.features);
  const std::vector<float> by_booster = saved.predict(rows);
  const std::vector<float> by_trees = TreeEnsemble::load(dir.file("m.json"))->predict(rows);
  ASSERT_EQ(by_trees.size(), by_booster.size());
  for (size_t i = 0; i < by_trees.size(); ++i) EXPECT_NEAR(by_trees[i], by_booster[i], 1e-6);
}

TEST(Boosting, HoldoutPredictionsOfTheSlicedModelAreXgboostsToTheBit) {
  TempDir dir;
  auto data = make_synthetic(Shape::kThreeClasses, 400);
  const SplitIndices split = random_split(400, 0.25, 3);
  TrainSpec spec = stopping_spec("multi:softprob", 200, 5);
  TrainResult result =
      train_xgboost(data.features, data.labels, split, spec, 3, dir.file("m.json"));
  ASSERT_LT(result.curve.best_round, result.curve.rounds_trained);  // the model was sliced
  const std::vector<float> expected =
      Booster::load(dir.file("m.json")).predict(MatrixRows(data.features, split.holdout, false));
  EXPECT_EQ(result.holdout_predictions, expected);
}

TEST(Boosting, ValidationRowsComeFromTheTrainingSideNeverTheHoldout) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 400);
  TrainSpec spec = stopping_spec("binary:logistic", 30, 5);
  spec.early_stopping.validation = 0.25;
  TrainResult result = train_xgboost(data.features, data.labels, spec, 2, dir.file("m.json"));
  EXPECT_EQ(result.holdout_rows, 80u);
  EXPECT_EQ(result.train_rows, 320u);
  // A quarter of the training side, rounded per class (stratified).
  EXPECT_NEAR(static_cast<double>(result.validation_rows), 80, 1);
}

TEST(Boosting, WithoutValidationTheCurveDrawsTheHoldoutAndEndsAtItsMetric) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression, 300);
  TrainSpec spec = stopping_spec("reg:squarederror", 40, 0);
  spec.early_stopping.metric = "mae";
  TrainResult result = train_xgboost(data.features, data.labels, spec, 0, dir.file("m.json"));
  const RoundCurve& curve = result.curve;
  EXPECT_EQ(curve.watched, "holdout");
  EXPECT_EQ(curve.metric, "mae");
  EXPECT_EQ(curve.rounds_trained, 40);
  EXPECT_EQ(curve.best_round, 40);
  EXPECT_FALSE(curve.stopped_early);
  EXPECT_EQ(result.validation_rows, 0u);
  // The curve scores the holdout from its exact values: the last point is the holdout metric.
  EXPECT_NEAR(curve.watched_values.back(), result.holdout_metrics.at("mae"), 1e-6);
  EXPECT_LT(curve.train.back(), curve.train.front());
}

TEST(Boosting, HigherIsBetterMetricsStopOnTheirMaximum) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBand, 500);
  TrainSpec spec = stopping_spec("binary:logistic", 200, 8);
  spec.early_stopping.metric = "auc";
  TrainResult result = train_xgboost(data.features, data.labels, spec, 2, dir.file("m.json"));
  const auto& values = result.curve.watched_values;
  const auto highest = std::max_element(values.begin(), values.end());
  EXPECT_EQ(highest - values.begin() + 1, result.curve.best_round);
}

TEST(Boosting, MetricMustBelongToTheTask) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression, 100);
  TrainSpec spec = stopping_spec("reg:squarederror", 10, 3);
  spec.early_stopping.metric = "auc";
  try {
    train_xgboost(data.features, data.labels, spec, 0, dir.file("m.json"));
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "train.early_stopping.metric: 'auc' is not a metric of regression (mae, r2, "
                 "rmse)");
  }
}

TEST(Boosting, GroupedValidationKeepsGroupsWhole) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression, 200);
  // Ten groups of 20 rows; groups 0 and 5 are the holdout, eight groups train.
  std::vector<uint64_t> groups;
  for (uint64_t row = 0; row < 200; ++row) groups.push_back(row % 10);
  SplitIndices split;
  for (size_t row = 0; row < 200; ++row)
    (row % 5 == 0 ? split.holdout : split.train).push_back(row);
  TrainOptions options;
  options.groups = groups;
  TrainSpec spec = stopping_spec("reg:squarederror", 20, 5);
  spec.early_stopping.validation = 0.3;
  TrainResult result =
      train_xgboost(data.features, data.labels, split, spec, 0, dir.file("m.json"), options);
  EXPECT_EQ(result.train_rows, 160u);
  EXPECT_EQ(result.validation_rows % 20, 0u);  // whole groups only
  EXPECT_GT(result.validation_rows, 0u);
  EXPECT_LT(result.validation_rows, 160u);
}

TEST(Boosting, ProgressIsReportedEveryRound) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 100);
  const std::vector<int> every{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  SplitIndices split = random_split(100, 0.2, 1);
  for (int patience : {0, 20}) {  // the curve measured after training, then round by round
    TrainSpec spec = stopping_spec("binary:logistic", 12, patience);
    std::vector<int> boosted, measured;
    TrainOptions options;
    options.curve_after_rows = 0;
    options.on_boosted = [&](int rounds) { boosted.push_back(rounds); };
    options.on_round = [&](const RoundCurve& curve) {
      measured.push_back(curve.rounds_trained);
      EXPECT_EQ(curve.train.size(), static_cast<size_t>(curve.rounds_trained));
      EXPECT_EQ(curve.watched_values.size(), curve.train.size());
    };
    train_xgboost(data.features, data.labels, split, spec, 2, dir.file("m.json"), options);
    EXPECT_EQ(boosted, every) << "patience " << patience;
    EXPECT_EQ(measured, every) << "patience " << patience;
  }
}

/// Trains without early stopping, then checks each point of the curve against the metric of
/// XGBoost's own predictions by the model cut to that round, on the holdout and on the
/// training rows (all of them at this size): the same values, to the last bit.
void expect_curve_of_each_rounds_model(Shape shape, const std::string& objective, int num_class,
                                       const std::string& metric, size_t after_rows = 0) {
  TempDir dir;
  auto data = make_synthetic(shape, 400);
  TrainSpec spec = stopping_spec(objective, 20, 0);
  spec.early_stopping.metric = metric;
  const SplitIndices split = random_split(400, 0.25, 7);
  TrainOptions options;
  options.curve_after_rows = after_rows;
  TrainResult result = train_xgboost(data.features, data.labels, split, spec, num_class,
                                     dir.file("m.json"), options);
  const RoundCurve& curve = result.curve;
  ASSERT_EQ(curve.rounds_trained, 20);
  ASSERT_EQ(curve.train.size(), 20u);
  ASSERT_EQ(curve.watched_values.size(), 20u);
  const Booster booster = Booster::load(dir.file("m.json"));
  const Task task = task_for_objective(objective);
  auto labels_of = [&](const std::vector<size_t>& rows) {
    std::vector<float> out;
    for (size_t row : rows) out.push_back(data.labels[row]);
    return out;
  };
  const MatrixRows holdout(data.features, split.holdout, false);
  const MatrixRows train(data.features, split.train, false);
  for (int round = 1; round <= 20; ++round) {
    const Booster cut = booster.slice(round);
    const auto r = static_cast<size_t>(round - 1);
    EXPECT_EQ(curve.watched_values[r],
              metric_value(task, num_class, metric, labels_of(split.holdout), cut.predict(holdout)))
        << "round " << round;
    EXPECT_EQ(curve.train[r],
              metric_value(task, num_class, metric, labels_of(split.train), cut.predict(train)))
        << "round " << round;
  }
  // The holdout predictions come from the same pass: the curve ends at the holdout metric.
  EXPECT_EQ(curve.watched_values.back(), result.holdout_metrics.at(metric));
}

TEST(Boosting, CurveMeasuredAfterTrainingIsEachRoundsModelsMetric) {
  expect_curve_of_each_rounds_model(Shape::kBinary, "binary:logistic", 2, "logloss");
  expect_curve_of_each_rounds_model(Shape::kBand, "binary:logistic", 2, "auc");
  expect_curve_of_each_rounds_model(Shape::kThreeClasses, "multi:softprob", 3, "logloss");
  expect_curve_of_each_rounds_model(Shape::kRegression, "reg:squarederror", 0, "rmse");
}

TEST(Boosting, SmallTablesMeasureTheCurveEachRoundWithTheSameValues) {
  // 300 training rows, under the default threshold: the loop reads XGBoost's cache.
  expect_curve_of_each_rounds_model(Shape::kBinary, "binary:logistic", 2, "logloss", kCurveRows);
  expect_curve_of_each_rounds_model(Shape::kThreeClasses, "multi:softprob", 3, "logloss",
                                    kCurveRows);
}

TEST(Boosting, ModelsTheTreesCannotReproduceAreMeasuredEachRound) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 300);
  for (const std::string booster : {"dart", "gblinear"}) {
    TrainSpec spec = stopping_spec("binary:logistic", 10, 0);
    spec.params = {{"booster", booster}};
    TrainResult result = train_xgboost(data.features, data.labels, spec, 2, dir.file("m.json"));
    ASSERT_EQ(result.curve.watched_values.size(), 10u) << booster;
    EXPECT_EQ(result.curve.best_round, 10) << booster;
    EXPECT_NEAR(result.curve.watched_values.back(), result.holdout_metrics.at("logloss"), 1e-6)
        << booster;
    EXPECT_LT(result.curve.train.back(), result.curve.train.front()) << booster;
  }
}

}  // namespace
}  // namespace mlops
