// train_model() on a small in-memory table: the model saved where asked, its documents
// filled, and only the feature columns used, with no run folder.

#include "mlops/model/train/train_model.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "mlops/io/file.h"
#include "mlops/model/xgb/xgb.h"
#include "support/temp_dir.h"
#include "synthetic.h"

namespace mlops {
namespace {

using testing::make_synthetic;
using testing::Shape;
using testing::TempDir;

/// The synthetic binary data as a table: the features, the label as text and an id column
/// that is not a feature.
struct Case {
  Table table;
  TrainingSetup setup;
};

Case binary_case() {
  const auto data = make_synthetic(Shape::kBinary);
  Column id("id", DType::kInt64), signal("signal", DType::kFloat64),
      noise("noise", DType::kFloat64), label("label", DType::kString);
  for (size_t row = 0; row < data.features.rows; ++row) {
    id.push_int(static_cast<int64_t>(row) * 1000);
    signal.push_float(data.features.values[2 * row]);
    noise.push_float(data.features.values[2 * row + 1]);
    label.push_string(data.labels[row] == 1.0f ? "yes" : "no");
  }
  Case out;
  out.table.add_column(std::move(id));
  out.table.add_column(std::move(signal));
  out.table.add_column(std::move(noise));
  out.table.add_column(std::move(label));
  out.setup.feature_names = {"signal", "noise"};
  out.setup.labels = data.labels;
  out.setup.classes = {"no", "yes"};
  out.setup.num_class = 2;
  out.setup.split = random_split(data.features.rows, 0.2, 7);
  return out;
}

TrainSpec binary_spec() {
  TrainSpec spec;
  spec.objective = "binary:logistic";
  spec.rounds = 20;
  spec.params = {{"max_depth", "3"}, {"eta", "0.3"}};
  return spec;
}

TEST(TrainModel, SavesTheModelAndReturnsMetricsCurveEvaluationAndImportance) {
  TempDir dir;
  Case data = binary_case();
  const std::string model_path = dir.file("model.json");
  TrainedModel trained = train_model(std::move(data.table), data.setup, binary_spec(), model_path);

  // The model is XGBoost JSON that XGBoost itself loads back, with every round trained.
  ASSERT_TRUE(path_exists(model_path));
  const nlohmann::json model = nlohmann::json::parse(read_file(model_path));
  EXPECT_TRUE(model.contains("learner"));
  EXPECT_EQ(Booster::load(model_path).boosted_rounds(), 20);

  EXPECT_EQ(trained.result.train_rows, 240u);
  EXPECT_EQ(trained.result.holdout_rows, 60u);
  EXPECT_GT(trained.metrics.at("holdout").at("auc").get<double>(), 0.95);
  EXPECT_TRUE(trained.metrics.at("baseline").contains("model"));
  EXPECT_EQ(trained.metrics.at("confusion").at("labels"), (nlohmann::json{"no", "yes"}));
  EXPECT_EQ(trained.curve.at("rounds_trained").get<int>(), 20);
  EXPECT_EQ(trained.curve.at("train").size(), 20u);
  EXPECT_FALSE(trained.evaluation.empty());
  // Importance names features only: the id and label columns were dropped before training.
  ASSERT_FALSE(trained.importance.empty());
  EXPECT_EQ(trained.importance[0].at("feature"), "signal");
  for (const auto& entry : trained.importance) {
    EXPECT_TRUE(entry.at("feature") == "signal" || entry.at("feature") == "noise") << entry;
  }
}

TEST(TrainModel, RegressionHasNoClassesAndMeasuresErrors) {
  TempDir dir;
  const auto data = make_synthetic(Shape::kRegression);
  Column signal("signal", DType::kFloat64), noise("noise", DType::kFloat64);
  for (size_t row = 0; row < data.features.rows; ++row) {
    signal.push_float(data.features.values[2 * row]);
    noise.push_float(data.features.values[2 * row + 1]);
  }
  Table table;
  table.add_column(std::move(signal));
  table.add_column(std::move(noise));
  TrainingSetup setup;
  setup.feature_names = {"signal", "noise"};
  setup.labels = data.labels;
  setup.split = random_split(data.features.rows, 0.2, 7);
  TrainSpec spec = binary_spec();
  spec.objective = "reg:squarederror";
  TrainedModel trained = train_model(std::move(table), setup, spec, dir.file("model.json"));

  EXPECT_TRUE(path_exists(dir.file("model.json")));
  EXPECT_EQ(trained.result.task, Task::kRegression);
  EXPECT_LT(trained.metrics.at("holdout").at("rmse").get<double>(), 1.0);
  EXPECT_FALSE(trained.metrics.contains("confusion"));
}

}  // namespace
}  // namespace mlops
