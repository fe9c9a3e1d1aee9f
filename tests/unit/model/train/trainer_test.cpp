#include "mlops/model/train/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "mlops/core/error.h"
#include "mlops/core/table.h"
#include "mlops/model/metrics/task_metrics.h"
#include "mlops/model/train/row_split.h"
#include "mlops/model/xgb/xgb.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::Synthetic;
using testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TrainSpec spec_for(std::string objective) {
  TrainSpec spec;
  spec.objective = std::move(objective);
  spec.rounds = 20;
  spec.params = {{"max_depth", "3"}, {"eta", "0.3"}};
  return spec;
}

std::string train_error(const TrainSpec& spec, const Synthetic& data, int num_class = 2) {
  TempDir dir;
  try {
    train_xgboost(data.features, data.labels, spec, num_class, dir.file("model.json"));
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

TEST(Trainer, BinaryModelAndLinearBaselineBothFindALinearSignal) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary);
  TrainResult result = train_xgboost(data.features, data.labels, spec_for("binary:logistic"), 2,
                                     dir.file("model.json"));
  EXPECT_EQ(result.task, Task::kBinary);
  EXPECT_EQ(result.num_class, 2);
  EXPECT_EQ(result.train_rows + result.holdout_rows, 300u);
  EXPECT_EQ(result.holdout_rows, 60u);
  EXPECT_GT(result.holdout_metrics.at("accuracy"), 0.95);
  EXPECT_GT(result.holdout_metrics.at("auc"), 0.95);
  EXPECT_GT(result.holdout_metrics.at("pr_auc"), 0.9);
  EXPECT_GT(result.holdout_metrics.at("f1"), 0.9);
  // A threshold on one feature is what logistic regression models best.
  EXPECT_EQ(result.baseline.model(), "logistic_regression");
  EXPECT_GT(result.baseline_metrics.at("auc"), 0.95);
  EXPECT_EQ(result.baseline_metrics.size(), result.holdout_metrics.size());
  // Holdout confusion: rows actual, columns predicted, summing to the holdout.
  ASSERT_EQ(result.confusion.size(), 2u);
  int64_t total = 0;
  for (const auto& row : result.confusion)
    for (int64_t count : row) total += count;
  EXPECT_EQ(total, 60);
  EXPECT_EQ(result.confusion[0][0] + result.confusion[1][1],
            std::llround(result.holdout_metrics.at("accuracy") * 60));
}

TEST(Trainer, TreesBeatTheBaselineOnANonLinearSignal) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBand, 600);
  TrainResult result = train_xgboost(data.features, data.labels, spec_for("binary:logistic"), 2,
                                     dir.file("model.json"));
  EXPECT_GT(result.holdout_metrics.at("accuracy"), 0.95);
  EXPECT_GT(result.holdout_metrics.at("accuracy"), result.baseline_metrics.at("accuracy") + 0.2);
  EXPECT_LT(result.holdout_metrics.at("logloss"), result.baseline_metrics.at("logloss"));
}

TEST(Trainer, MulticlassReportsAccuracyF1AndLogLoss) {
  TempDir dir;
  auto data = make_synthetic(Shape::kThreeClasses);
  TrainResult result = train_xgboost(data.features, data.labels, spec_for("multi:softprob"), 3,
                                     dir.file("model.json"));
  EXPECT_EQ(result.task, Task::kMulticlass);
  EXPECT_EQ(result.num_class, 3);
  EXPECT_EQ(result.holdout_metrics.size(), 3u);
  EXPECT_GT(result.holdout_metrics.at("accuracy"), 0.9);
  EXPECT_GT(result.holdout_metrics.at("f1"), 0.9);
  EXPECT_EQ(result.baseline.model(), "softmax_regression");
  EXPECT_EQ(result.confusion.size(), 3u);
}

TEST(Trainer, RegressionOnALinearTargetPicksTheRidgeBaseline) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression);
  TrainResult result = train_xgboost(data.features, data.labels, spec_for("reg:squarederror"), 0,
                                     dir.file("model.json"));
  EXPECT_EQ(result.task, Task::kRegression);
  EXPECT_EQ(result.num_class, 0);
  EXPECT_GT(result.holdout_metrics.at("r2"), 0.9);
  EXPECT_EQ(result.baseline.model(), "ridge");
  EXPECT_GT(result.baseline_metrics.at("r2"), 0.99);
  EXPECT_TRUE(result.confusion.empty());
}

TEST(Trainer, RobustRegressionObjectivesTrain) {
  for (const char* objective : {"reg:pseudohubererror", "reg:absoluteerror"}) {
    TempDir dir;
    auto data = make_synthetic(Shape::kRegression);
    data.labels[10] = 500;  // an outlier the robust losses shrug off
    TrainSpec spec = spec_for(objective);
    spec.rounds = 200;
    TrainResult result = train_xgboost(data.features, data.labels, spec, 0, dir.file("m.json"));
    EXPECT_EQ(result.task, Task::kRegression) << objective;
    EXPECT_LT(result.holdout_metrics.at("mae"), 1.0) << objective;
    EXPECT_EQ(nlohmann::json::parse(slurp(dir.file("m.json")))["learner"]["objective"]["name"],
              objective);
  }
}

TEST(Trainer, RegressionStartsAtTheLabelsNotAtHalf) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression, 301);
  for (float& label : data.labels) label += 1000;
  TrainSpec spec = spec_for("reg:pseudohubererror");  // its gradient is at most 1 per round
  spec.split.holdout = 0.5;
  TrainResult result = train_xgboost(data.features, data.labels, spec, 0, dir.file("m.json"));
  EXPECT_LT(result.holdout_metrics.at("mae"), 2.0);  // from 0.5, 20 rounds would end near 6
  const auto model = nlohmann::json::parse(dir.read("m.json"));
  const double base =
      std::stod(model["learner"]["learner_model_param"]["base_score"].get<std::string>());
  EXPECT_GT(base, 1003);  // the training labels' median, about 1005
  EXPECT_LT(base, 1007);
}

TEST(Trainer, EveryParameterReachesXgboost) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression);
  TrainSpec spec = spec_for("reg:squarederror");
  spec.params = {{"max_depth", "1"}, {"base_score", "7.5"}};
  train_xgboost(data.features, data.labels, spec, 0, dir.file("model.json"));
  const auto model = nlohmann::json::parse(slurp(dir.file("model.json")));
  EXPECT_EQ(model["learner"]["learner_model_param"]["base_score"], "7.5E0");
  for (const auto& tree : model["learner"]["gradient_booster"]["model"]["trees"]) {
    EXPECT_EQ(tree["tree_param"]["num_nodes"], "3");  // a stump: max_depth 1
  }
}

TEST(Trainer, ImportanceIsGainDescendingWithTheSignalFirst) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression);
  TrainResult result = train_xgboost(data.features, data.labels, spec_for("reg:squarederror"), 0,
                                     dir.file("model.json"));
  ASSERT_EQ(result.importance.size(), 2u);
  EXPECT_EQ(result.importance[0].first, "signal");
  EXPECT_GT(result.importance[0].second, result.importance[1].second);
}

TEST(Trainer, SameInputsGiveByteIdenticalModelFiles) {
  TempDir dir;
  auto data = make_synthetic(Shape::kThreeClasses);
  TrainSpec spec = spec_for("multi:softprob");
  spec.params.emplace_back("subsample", "0.7");  // exercises the seeded sampling too
  train_xgboost(data.features, data.labels, spec, 3, dir.file("a.json"));
  train_xgboost(data.features, data.labels, spec, 3, dir.file("b.json"));
  std::string first = slurp(dir.file("a.json"));
  EXPECT_GT(first.size(), 1000u);
  EXPECT_EQ(first, slurp(dir.file("b.json")));

  spec.split.seed = 43;
  train_xgboost(data.features, data.labels, spec, 3, dir.file("c.json"));
  EXPECT_NE(first, slurp(dir.file("c.json")));
}

TEST(Trainer, SavedModelReproducesTheHoldoutMetrics) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary);
  TrainSpec spec = spec_for("binary:logistic");
  TrainResult result = train_xgboost(data.features, data.labels, spec, 2, dir.file("m.json"));

  // Same split as the trainer: stratified by class with the spec's seed.
  std::vector<int> classes(data.labels.begin(), data.labels.end());
  SplitIndices split = random_split(300, spec.split.holdout, spec.split.seed, classes);
  FeatureMatrix holdout{data.features.names, split.holdout.size(), {}};
  std::vector<float> labels;
  for (size_t row : split.holdout) {
    holdout.values.push_back(data.features.values[row * 2]);
    holdout.values.push_back(data.features.values[row * 2 + 1]);
    labels.push_back(data.labels[row]);
  }
  std::vector<float> predictions = Booster::load(dir.file("m.json")).predict(DMatrix(holdout));
  EXPECT_EQ(task_metrics(Task::kBinary, 2, labels, predictions), result.holdout_metrics);
}

TEST(Trainer, UnstratifiedSplitHoldsOutTheRoundedFraction) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 101);
  TrainSpec spec = spec_for("binary:logistic");
  spec.split.stratify = false;
  spec.split.holdout = 0.3;
  TrainResult result = train_xgboost(data.features, data.labels, spec, 2, dir.file("m.json"));
  EXPECT_EQ(result.holdout_rows, 30u);
  EXPECT_EQ(result.train_rows, 71u);
}

TEST(Trainer, RejectedParameterIsAConfigErrorNamingIt) {
  auto data = make_synthetic(Shape::kBinary, 50);
  TrainSpec spec = spec_for("binary:logistic");
  spec.params.emplace_back("eta", "fast");
  EXPECT_EQ(train_error(spec, data),
            "train.params.eta: xgboost rejected 'fast': Some trailing characters could not be "
            "parsed: 'ast'");  // XGBoost's message alone would not say which parameter
  spec.params.back() = {"max_depth", "-3"};
  EXPECT_EQ(train_error(spec, data),
            "train.params.max_depth: xgboost rejected '-3': value -3 for Parameter max_depth "
            "should be greater equal to 0");
  spec.params.back() = {"tree_method", "fastest"};
  EXPECT_EQ(train_error(spec, data),
            "train.params.tree_method: xgboost rejected 'fastest': Invalid Input: 'fastest', valid "
            "values are: {'approx', 'auto', 'exact', 'gpu_hist', 'hist'}");
}

TEST(Trainer, RejectedParameterIsAConfigError) {
  auto data = make_synthetic(Shape::kBinary, 50);
  TrainSpec spec = spec_for("binary:logistic");
  spec.params.emplace_back("booster", "forest");
  EXPECT_THROW(
      {
        TempDir dir;
        train_xgboost(data.features, data.labels, spec, 2, dir.file("model.json"));
      },
      ConfigError);
}

TEST(Trainer, ParameterRejectedOnlyInTheFirstRoundIsStillNamed) {
  auto data = make_synthetic(Shape::kBinary, 50);
  TrainSpec spec = spec_for("binary:logistic");
  spec.params = {{"tree_method", "exact"}, {"max_depth", "0"}};
  EXPECT_EQ(train_error(spec, data),
            "train.params.max_depth: xgboost rejected '0': Check failed: param_.max_depth > 0 (0 "
            "vs. 0) : exact tree method doesn't support unlimited depth.");
}

TEST(Trainer, ParametersRejectedOnlyTogetherAreReportedTogether) {
  auto data = make_synthetic(Shape::kBinary, 50);
  TrainSpec spec = spec_for("binary:logistic");
  spec.params = {{"booster", "dart"}, {"rate_drop", "2"}};  // rate_drop is ignored by gbtree
  EXPECT_EQ(train_error(spec, data),
            "train.params: xgboost rejected the parameters: value 2 for Parameter rate_drop "
            "exceed bound [0,1]");
}

TEST(Trainer, ObjectiveThatRejectsTheLabelsIsAModelError) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression, 50);
  data.labels[3] = 0;
  EXPECT_THROW(
      {
        try {
          train_xgboost(data.features, data.labels, spec_for("reg:gamma"), 0,
                        dir.file("model.json"));
        } catch (const ModelError& error) {
          EXPECT_STREQ(error.what(),
                       "xgboost cannot train 'reg:gamma' on these labels: GammaRegression: label "
                       "must be positive.");
          throw;
        }
      },
      ModelError);
}

TEST(Trainer, GivenSplitIsUsedAndRowsOutsideItAreIgnored) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 100);
  data.labels[0] = std::nanf("");  // a null label: in neither side
  SplitIndices split;
  for (size_t row = 1; row < 100; ++row)
    (row % 4 == 0 ? split.holdout : split.train).push_back(row);
  TrainResult result = train_xgboost(data.features, data.labels, split, spec_for("binary:logistic"),
                                     2, dir.file("model.json"));
  EXPECT_EQ(result.train_rows, split.train.size());
  EXPECT_EQ(result.holdout_rows, 24u);
  EXPECT_GT(result.holdout_metrics.at("accuracy"), 0.9);
}

TEST(Trainer, TableInputTrainsTheMatrixInputsModelAndIsFreed) {
  // The table overload frees its input once XGBoost holds the training rows, and scores the
  // holdout and fits the baseline from its own float copies: results must not change.
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 200);
  Table table;
  for (size_t c = 0; c < data.features.names.size(); ++c) {
    Column column(data.features.names[c], DType::kFloat64);
    for (size_t row = 0; row < data.features.rows; ++row) {
      column.push_float(data.features.values[row * data.features.names.size() + c]);
    }
    table.add_column(std::move(column));
  }
  Column unused("not_a_feature", DType::kInt64);
  for (size_t row = 0; row < 200; ++row) unused.push_int(1);
  table.add_column(std::move(unused));
  SplitIndices split;
  for (size_t row = 0; row < 200; ++row)
    (row % 5 == 0 ? split.holdout : split.train).push_back(row);
  const TrainSpec spec = spec_for("binary:logistic");

  const TrainResult expected =
      train_xgboost(data.features, data.labels, split, spec, 2, dir.file("matrix.json"));
  const TrainResult result = train_xgboost(std::move(table), data.features.names, data.labels,
                                           split, spec, 2, dir.file("table.json"));
  EXPECT_EQ(table.num_columns(), 0u);  // NOLINT(bugprone-use-after-move): freed, by contract
  EXPECT_EQ(slurp(dir.file("table.json")), slurp(dir.file("matrix.json")));
  EXPECT_EQ(result.holdout_predictions, expected.holdout_predictions);
  EXPECT_EQ(result.holdout_metrics, expected.holdout_metrics);
  EXPECT_EQ(result.curve.watched_values, expected.curve.watched_values);
  EXPECT_EQ(result.baseline.to_json(), expected.baseline.to_json());
  EXPECT_EQ(result.baseline_metrics, expected.baseline_metrics);
}

TEST(Trainer, HoldoutPredictionsAreTheSavedModelsInPlacePredictions) {
  // gbtree reads them from the booster's cache, dart (which weights trees) predicts in place:
  // either way they are what scoring the saved model gives, to the bit.
  auto data = make_synthetic(Shape::kThreeClasses, 400);
  SplitIndices split;
  for (size_t row = 0; row < 400; ++row)
    (row % 4 == 0 ? split.holdout : split.train).push_back(row);
  const MatrixRows holdout(data.features, split.holdout, false);
  for (const char* booster : {"gbtree", "dart"}) {
    TempDir dir;
    TrainSpec spec = spec_for("multi:softprob");
    spec.params.emplace_back("booster", booster);
    spec.params.emplace_back("rate_drop", "0.2");
    const TrainResult result =
        train_xgboost(data.features, data.labels, split, spec, 3, dir.file("model.json"));
    ASSERT_EQ(result.holdout_predictions.size(), split.holdout.size() * 3) << booster;
    EXPECT_EQ(result.holdout_predictions, Booster::load(dir.file("model.json")).predict(holdout))
        << booster;
  }
}

TEST(Trainer, ObjectiveWithoutProbabilitiesIsRejected) {
  auto data = make_synthetic(Shape::kThreeClasses, 50);
  EXPECT_EQ(train_error(spec_for("multi:softmax"), data, 3),
            "train.objective: 'multi:softmax' predicts labels, not probabilities; use "
            "multi:softprob");
  EXPECT_EQ(train_error(spec_for("rank:ndcg"), data, 3),
            "train.objective: unsupported objective 'rank:ndcg' (expected binary:*, multi:*, "
            "reg:*, count:* or survival:*)");
}

TEST(Trainer, ParametersMlopsSetsItselfAreGuarded) {
  auto data = make_synthetic(Shape::kThreeClasses, 50);
  TrainSpec spec = spec_for("multi:softprob");
  spec.params.emplace_back("num_class", "4");
  EXPECT_EQ(train_error(spec, data, 3),
            "train.params.num_class: '4' but the label has 3 classes; remove it");
  spec.params.back() = {"objective", "reg:squarederror"};
  EXPECT_EQ(train_error(spec, data, 3), "train.params.objective: set train.objective instead");
}

TEST(Trainer, LabelOutsideTheClassesIsADataError) {
  auto data = make_synthetic(Shape::kBinary, 50);
  data.labels[4] = 2;
  EXPECT_EQ(train_error(spec_for("binary:logistic"), data),
            "label 2 in row 5 is not a class index 0..1");
  data.labels[4] = 0.5f;
  EXPECT_EQ(train_error(spec_for("binary:logistic"), data),
            "label 0.5 in row 5 is not a class index 0..1");
}

TEST(Trainer, ZeroRoundsIsAConfigError) {
  auto data = make_synthetic(Shape::kBinary, 50);
  TrainSpec spec = spec_for("binary:logistic");
  spec.rounds = 0;
  EXPECT_EQ(train_error(spec, data), "train.rounds: 0 is not at least 1");
}

}  // namespace
}  // namespace mlops
