#include "mlops/predict/batch_predict.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/io/file.h"
#include "mlops/model/metrics/metrics.h"
#include "mlops/model/xgb/row_source.h"

namespace mlops {

ScoringModel load_scoring_model(const std::string& train_dir, const std::string& version) {
  const std::string meta_path = train_dir + "/model_meta.json";
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(read_file(meta_path));
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("{}: not a model metadata file: {}", meta_path, e.what());
  }
  ScoringModel model{FeaturePipeline::load(train_dir + "/feature_state.json"),
                     std::nullopt,
                     std::nullopt,
                     std::nullopt,
                     "",
                     task_for_objective(meta.at("objective").get<std::string>()),
                     version.empty() ? meta.value("run_id", std::string()) : version,
                     train_dir};
  try {
    model.booster.emplace(Booster::load(train_dir + "/model.json"));
    model.trees = TreeEnsemble::load(train_dir + "/model.json");
  } catch (const Error& error) {
    // A model that cannot be read must not stop the scoring a schedule depends on when the
    // baseline trained beside it can stand in; without one, the error stands.
    const std::string baseline_path = train_dir + "/baseline.json";
    if (!path_exists(baseline_path)) throw;
    model.booster.reset();
    model.trees.reset();
    model.baseline.emplace(BaselineModel::load(baseline_path));
    model.fallback_reason = error.what();
    model.version += "+baseline";
    log_warn("predict: the model cannot be used; scoring with its baseline instead",
             {{"baseline", model.baseline->model()}, {"reason", model.fallback_reason}});
  }
  return model;
}

Table score_table(Table input, const ScoringModel& model,
                  const std::vector<std::string>& id_columns, int64_t scored_at_micros,
                  Table* features_out) {
  Table out;
  for (const auto& name : id_columns) out.add_column(input.column(name));

  // An empty input (an empty shard) has columns typed from nothing: it gets the output's
  // columns without going through the transforms.
  const size_t rows = input.num_rows();
  Table features;
  std::vector<float> raw;
  if (rows > 0) {
    features = model.features.transform(std::move(input));  // consumed: no copy
    const TableRows feature_rows(features, model.features.feature_names());
    raw = model.trees     ? model.trees->predict(feature_rows)
          : model.booster ? model.booster->predict(feature_rows)
                          : model.baseline->predict(feature_rows);
  }

  const auto& classes = model.features.label().classes;
  if (model.task == Task::kRegression) {
    Column prediction("prediction", DType::kFloat64);
    for (size_t row = 0; row < rows; ++row) prediction.push_float(raw[row]);
    out.add_column(std::move(prediction));
  } else if (model.task == Task::kBinary) {
    Column prediction("prediction", DType::kString);
    Column probability("probability", DType::kFloat64);
    prediction.reserve(rows, rows * std::max(classes.at(0).size(), classes.at(1).size()));
    probability.reserve(rows);
    for (size_t row = 0; row < rows; ++row) {
      // The same threshold as the accuracy metric: positive above one half.
      prediction.push_string(classes.at(raw[row] > 0.5f ? 1 : 0));
      probability.push_float(raw[row]);
    }
    out.add_column(std::move(prediction));
    out.add_column(std::move(probability));
  } else {
    const int num_class = static_cast<int>(classes.size());
    std::vector<int> best = argmax_rows(raw, num_class);
    Column prediction("prediction", DType::kString);
    for (size_t row = 0; row < rows; ++row) prediction.push_string(classes.at(best[row]));
    out.add_column(std::move(prediction));
    for (int c = 0; c < num_class; ++c) {
      Column probability("probability_" + classes[c], DType::kFloat64);
      for (size_t row = 0; row < rows; ++row) probability.push_float(raw[row * num_class + c]);
      out.add_column(std::move(probability));
    }
  }
  Column version("model_version", DType::kString);
  Column scored_at("scored_at", DType::kTimestamp);
  version.reserve(rows, rows * model.version.size());
  scored_at.reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    version.push_string(model.version);
    scored_at.push_int(scored_at_micros);
  }
  out.add_column(std::move(version));
  out.add_column(std::move(scored_at));
  if (features_out) *features_out = std::move(features);
  return out;
}

}  // namespace mlops
