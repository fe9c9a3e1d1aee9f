#include "mlops/model/train/cross_validation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/model/metrics/task_metrics.h"
#include "mlops/model/train/trainer.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::TempDir;

TrainSpec cv_spec(std::string objective, int folds) {
  TrainSpec spec;
  spec.objective = std::move(objective);
  spec.rounds = 15;
  spec.params = {{"max_depth", "3"}, {"eta", "0.3"}};
  spec.cv_folds = folds;
  return spec;
}

TEST(CrossValidation, ReportsMeanAndPopulationStdOfEveryMetricOverTheFolds) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 300);
  TrainResult result =
      train_xgboost(data.features, data.labels, cv_spec("binary:logistic", 4), 2, dir.file("m"));
  ASSERT_EQ(result.cv.size(), task_metric_names(Task::kBinary).size());
  EXPECT_EQ(result.cv.at("auc").folds.size(), 4u);
  for (const auto& [name, metric] : result.cv) {
    ASSERT_EQ(metric.folds.size(), 4u) << name;
    double sum = 0, squares = 0;
    for (double value : metric.folds) sum += value;
    for (double value : metric.folds) squares += (value - sum / 4) * (value - sum / 4);
    EXPECT_NEAR(metric.mean, sum / 4, 1e-12) << name;
    EXPECT_NEAR(metric.std, std::sqrt(squares / 4), 1e-12) << name;
  }
  EXPECT_GT(result.cv.at("accuracy").mean, 0.9);
  EXPECT_GT(result.cv.at("accuracy").std, 0.0);  // the folds differ
}

TEST(CrossValidation, ReportsEachFoldDone) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression, 100);
  SplitIndices split = random_split(100, 0.2, 1);
  std::vector<int> done;
  TrainOptions options;
  options.on_fold = [&](int folds) { done.push_back(folds); };
  train_xgboost(data.features, data.labels, split, cv_spec("reg:squarederror", 3), 0, dir.file("m"),
                options);
  EXPECT_EQ(done, (std::vector<int>{1, 2, 3}));
}

TEST(CrossValidation, IsOffByDefault) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression, 100);
  TrainResult result =
      train_xgboost(data.features, data.labels, cv_spec("reg:squarederror", 0), 0, dir.file("m"));
  EXPECT_TRUE(result.cv.empty());
}

TEST(CrossValidation, FoldsDoNotChangeTheSavedModel) {
  TempDir dir;
  auto data = make_synthetic(Shape::kThreeClasses, 200);
  train_xgboost(data.features, data.labels, cv_spec("multi:softprob", 0), 3, dir.file("a.json"));
  TrainResult result = train_xgboost(data.features, data.labels, cv_spec("multi:softprob", 3), 3,
                                     dir.file("b.json"));
  EXPECT_EQ(result.cv.at("logloss").folds.size(), 3u);
  EXPECT_EQ(dir.read("a.json"), dir.read("b.json"));
}

TEST(CrossValidation, GroupSplitFoldsNeedAsManyGroupsAsFolds) {
  TempDir dir;
  auto data = make_synthetic(Shape::kRegression, 100);
  std::vector<uint64_t> groups;
  for (uint64_t row = 0; row < 100; ++row) groups.push_back(row % 2);
  SplitIndices split = random_split(100, 0.2, 1);
  TrainOptions options;
  options.groups = groups;
  try {
    train_xgboost(data.features, data.labels, split, cv_spec("reg:squarederror", 3), 0,
                  dir.file("m"), options);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "train.cv.folds: 3 folds but only 2 groups on the training side");
  }
  TrainResult result = train_xgboost(data.features, data.labels, split,
                                     cv_spec("reg:squarederror", 2), 0, dir.file("m"), options);
  EXPECT_EQ(result.cv.at("rmse").folds.size(), 2u);
}

}  // namespace
}  // namespace mlops
