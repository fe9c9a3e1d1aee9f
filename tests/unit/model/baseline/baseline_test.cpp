#include "mlops/model/baseline/baseline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mlops/core/error.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::TempDir;

constexpr float kNull = std::numeric_limits<float>::quiet_NaN();

TEST(Baseline, LinearModelWinsOnALinearSignal) {
  auto regression = make_synthetic(Shape::kRegression, 300);
  EXPECT_EQ(
      BaselineModel::fit(regression.features, regression.labels, Task::kRegression, 0, 1).model(),
      "ridge");
  auto binary = make_synthetic(Shape::kBinary, 300);
  const BaselineModel logistic =
      BaselineModel::fit(binary.features, binary.labels, Task::kBinary, 2, 1);
  EXPECT_EQ(logistic.model(), "logistic_regression");
  const BaselineSelection& selection = logistic.selection();
  EXPECT_EQ(selection.metric, "logloss");
  EXPECT_LT(selection.linear, selection.constant);
  EXPECT_EQ(selection.fit_rows + selection.selection_rows, 300u);
  auto three = make_synthetic(Shape::kThreeClasses, 300);
  EXPECT_EQ(BaselineModel::fit(three.features, three.labels, Task::kMulticlass, 3, 1).model(),
            "softmax_regression");
}

TEST(Baseline, ConstantModelWinsWhenFeaturesCarryNothing) {
  // Every feature null: the linear model can only tie the constant one, which is kept.
  auto data = make_synthetic(Shape::kBinary, 200);
  for (float& value : data.features.values) value = kNull;
  const BaselineModel model = BaselineModel::fit(data.features, data.labels, Task::kBinary, 2, 1);
  EXPECT_EQ(model.model(), "majority_class");
  // It predicts the training prior of class 1 for every row.
  double positives = 0;
  for (float label : data.labels) positives += label;
  const std::vector<float> predicted = model.predict(MatrixRows(data.features));
  EXPECT_NEAR(predicted.front(), positives / 200, 1e-6);
  EXPECT_EQ(predicted.front(), predicted.back());

  auto regression = make_synthetic(Shape::kRegression, 200);
  for (float& value : regression.features.values) value = kNull;
  EXPECT_EQ(
      BaselineModel::fit(regression.features, regression.labels, Task::kRegression, 0, 1).model(),
      "mean");
}

TEST(Baseline, MulticlassPredictionsAreProbabilitiesPerClass) {
  auto data = make_synthetic(Shape::kThreeClasses, 200);
  const BaselineModel model =
      BaselineModel::fit(data.features, data.labels, Task::kMulticlass, 3, 1);
  const std::vector<float> predicted = model.predict(MatrixRows(data.features));
  ASSERT_EQ(predicted.size(), 600u);
  for (size_t row = 0; row < 200; ++row) {
    EXPECT_NEAR(predicted[row * 3] + predicted[row * 3 + 1] + predicted[row * 3 + 2], 1.0, 1e-5);
  }
}

TEST(Baseline, NullFeatureIsScoredAsTheTrainingMean) {
  auto data = make_synthetic(Shape::kRegression, 200);
  data.features.values[1] = kNull;  // nulls while fitting are skipped by the means
  const BaselineModel model =
      BaselineModel::fit(data.features, data.labels, Task::kRegression, 0, 1);
  double sum = 0;
  for (size_t row = 0; row < 200; ++row) sum += data.features.values[row * 2];
  FeatureMatrix rows{data.features.names, 2, {kNull, 0.3f, static_cast<float>(sum / 200), 0.3f}};
  const std::vector<float> predicted = model.predict(MatrixRows(rows));
  EXPECT_NEAR(predicted[0], predicted[1], 1e-5);
}

TEST(Baseline, SavedFileLoadsBackAndPredictsTheSameOnATable) {
  TempDir dir;
  auto data = make_synthetic(Shape::kBinary, 200);
  const BaselineModel model = BaselineModel::fit(data.features, data.labels, Task::kBinary, 2, 7);
  model.save(dir.file("baseline.json"));
  const BaselineModel loaded = BaselineModel::load(dir.file("baseline.json"));
  EXPECT_EQ(loaded.model(), model.model());
  EXPECT_EQ(loaded.task(), Task::kBinary);
  EXPECT_EQ(loaded.to_json(), model.to_json());

  // A feature table with the columns in another order and an extra column.
  Table table;
  Column noise("noise", DType::kFloat64), extra("id", DType::kInt64),
      signal("signal", DType::kFloat64);
  for (size_t row = 0; row < 200; ++row) {
    signal.push_float(data.features.values[row * 2]);
    noise.push_float(data.features.values[row * 2 + 1]);
    extra.push_int(static_cast<int64_t>(row));
  }
  table.add_column(std::move(noise));
  table.add_column(std::move(extra));
  table.add_column(std::move(signal));
  EXPECT_EQ(loaded.predict(table), model.predict(MatrixRows(data.features)));
}

TEST(Baseline, FileThatIsNotABaselineIsAModelErrorNamingThePath) {
  TempDir dir;
  const std::string path = dir.write("baseline.json", R"({"format": "mlops.model/1"})");
  try {
    BaselineModel::load(path);
    FAIL() << "no error";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find(path + ": "), std::string::npos) << error.what();
  }
}

TEST(Baseline, MissingFeatureColumnIsADataError) {
  auto data = make_synthetic(Shape::kRegression, 50);
  const BaselineModel model =
      BaselineModel::fit(data.features, data.labels, Task::kRegression, 0, 1);
  Table table;
  Column signal("signal", DType::kFloat64);
  signal.push_float(0.5);
  table.add_column(std::move(signal));
  EXPECT_THROW(model.predict(table), DataError);
}

}  // namespace
}  // namespace mlops
