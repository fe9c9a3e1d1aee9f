#pragma once
// A small trained model directory for the scoring tests, written the way train writes one:
// model.json (XGBoost), feature_state.json (the fitted transforms), baseline.json and
// model_meta.json, from raw rows with a string column, nulls and an id.

#include <nlohmann/json.hpp>
#include <string>

#include "mlops/config/node.h"
#include "mlops/core/table.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/file.h"
#include "mlops/model/baseline/baseline.h"
#include "mlops/model/train/trainer.h"
#include "mlops/model/xgb/row_source.h"
#include "unit/model/synthetic.h"

namespace mlops::testing {

enum class Objective { kBinary, kMulticlass, kRegression };

/// Raw rows: id (1..rows), signal, noise (every 9th null), color (red, green, blue) and the label
/// `outcome`: "yes" / "no" (binary, signal > 0.6), "low" / "mid" / "high" (multiclass) or a
/// float (regression). `seed` varies the values.
inline Table raw_rows(Objective objective, size_t rows, uint64_t seed = 2024) {
  Uniform uniform(seed);
  Column id("id", DType::kInt64), signal("signal", DType::kFloat64),
      noise("noise", DType::kFloat64), color("color", DType::kString);
  Column outcome("outcome", objective == Objective::kRegression ? DType::kFloat64 : DType::kString);
  const char* colors[] = {"red", "green", "blue"};
  for (size_t row = 0; row < rows; ++row) {
    const float s = uniform.next(), n = uniform.next();
    id.push_int(static_cast<int64_t>(row + 1));
    signal.push_float(s);
    row % 9 == 4 ? noise.push_null() : noise.push_float(n);
    color.push_string(colors[row % 3]);
    switch (objective) {
      case Objective::kBinary: outcome.push_string(s > 0.6f ? "yes" : "no"); break;
      case Objective::kMulticlass:
        outcome.push_string(s < 0.3f ? "low" : s < 0.7f ? "mid" : "high");
        break;
      case Objective::kRegression: outcome.push_float(10.0 * s + (row % 3) - n); break;
    }
  }
  Table table;
  for (Column* column : {&id, &signal, &noise, &color, &outcome}) {
    table.add_column(std::move(*column));
  }
  return table;
}

/// Trains on raw_rows(objective, 400) and writes the model directory `dir`: transforms one_hot
/// of color and an expression, id dropped, 20 rounds of depth-3 trees. model_meta.json names
/// the run "run-test". `booster` "dart" gives a model the trees cannot compile (the booster
/// itself scores it).
inline void write_model_bundle(const std::string& dir, Objective objective,
                               const std::string& booster = "gbtree") {
  FeaturizeSpec spec;
  ConfigNode root = parse_yaml(
      "transforms:\n"
      "  - {type: one_hot, columns: [color]}\n"
      "  - {type: expr, name: spread, expr: \"signal - noise\"}\n",
      "workflow.yaml");
  for (const auto& item : root.get("transforms")->items()) spec.transforms.push_back(item);
  spec.label.column = "outcome";
  spec.drop = {"id"};
  const bool categorical = objective != Objective::kRegression;
  FeaturePipeline pipeline(spec, categorical);
  const Table training = raw_rows(objective, 400);
  pipeline.fit(training);
  const Table features = pipeline.transform(training);
  const std::vector<float> labels = pipeline.encode_label(features.column("outcome"));
  const FeatureMatrix matrix = gather_all(TableRows(features, pipeline.feature_names()));

  const std::string name = objective == Objective::kBinary       ? "binary:logistic"
                           : objective == Objective::kMulticlass ? "multi:softprob"
                                                                 : "reg:squarederror";
  const int num_class = objective == Objective::kBinary       ? 2
                        : objective == Objective::kMulticlass ? 3
                                                              : 0;
  TrainSpec train;
  train.objective = name;
  train.rounds = 20;
  train.params = {{"max_depth", "3"}, {"eta", "0.3"}, {"nthread", "1"}, {"booster", booster}};
  train_xgboost(matrix, labels, train, num_class, dir + "/model.json");
  BaselineModel::fit(matrix, labels, task_for_objective(name), num_class, 7)
      .save(dir + "/baseline.json");
  pipeline.save(dir + "/feature_state.json");
  write_file_atomic(dir + "/model_meta.json",
                    nlohmann::json{{"objective", name}, {"run_id", "run-test"}}.dump());
}

}  // namespace mlops::testing
