#include "mlops/predict/scoring_engine.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/io/file.h"
#include "mlops/model/metrics/metrics.h"
#include "mlops/model/xgb/row_source.h"

namespace mlops {

std::string_view score_source_name(ScoreSource source) {
  return source == ScoreSource::kModel ? "model" : "baseline";
}

ScoringEngine::ScoringEngine(FeaturePipeline features, Task task, std::string version,
                             std::string dir)
    : features_(std::move(features)),
      task_(task),
      version_(std::move(version)),
      dir_(std::move(dir)) {}

ScoringEngine ScoringEngine::load(const std::string& model_dir, const std::string& version) {
  const std::string meta_path = model_dir + "/model_meta.json";
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(read_file(meta_path));
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("{}: not a model metadata file: {}", meta_path, e.what());
  }
  // In this order: a bad feature state is reported before a bad objective.
  FeaturePipeline features = FeaturePipeline::load(model_dir + "/feature_state.json");
  const Task task = task_for_objective(meta.at("objective").get<std::string>());
  ScoringEngine engine(std::move(features), task,
                       version.empty() ? meta.value("run_id", std::string()) : version, model_dir);
  if (auto it = meta.find("input_schema"); it != meta.end()) {
    for (const auto& field : *it) {
      const std::string type = field.at("dtype").get<std::string>();
      const std::optional<DType> dtype = parse_dtype(type);
      if (!dtype) throw ModelError("{}: input_schema: unknown type '{}'", meta_path, type);
      engine.input_schema_.push_back(
          {.name = field.at("name").get<std::string>(), .type = *dtype, .allowed = {}});
    }
  }
  engine.feature_state_text_ =
      engine.features_.to_json().value("transforms", nlohmann::json()).dump();
  try {
    engine.booster_.emplace(Booster::load(model_dir + "/model.json"));
    engine.trees_ = TreeEnsemble::load(model_dir + "/model.json");
  } catch (const Error& error) {
    // A model that cannot be read must not stop the scoring a schedule depends on when the
    // baseline trained beside it can stand in; without one, the error stands.
    const std::string baseline_path = model_dir + "/baseline.json";
    if (!path_exists(baseline_path)) throw;
    engine.booster_.reset();
    engine.trees_.reset();
    engine.baseline_.emplace(BaselineModel::load(baseline_path));
    engine.fallback_reason_ = error.what();
    engine.version_ += "+baseline";
    log_warn("predict: the model cannot be used; scoring with its baseline instead",
             {{"baseline", engine.baseline_->model()}, {"reason", engine.fallback_reason_}});
  }
  return engine;
}

bool ScoringEngine::may_read_column(const std::string& name) const {
  const auto& names = features_.feature_names();
  return std::find(names.begin(), names.end(), name) != names.end() ||
         feature_state_text_.find(name) != std::string::npos;
}

ScoredBatch ScoringEngine::score(Table input, const ScoreOptions& options) const {
  ScoredBatch scored;
  scored.source = source();
  Table& out = scored.predictions;
  for (const auto& name : options.id_columns) out.add_column(input.column(name));

  // An empty input (an empty shard) has columns typed from nothing: it gets the output's
  // columns without going through the transforms.
  const size_t rows = input.num_rows();
  Table features;
  std::vector<float> raw;
  if (rows > 0) {
    features = features_.transform(std::move(input));  // consumed: no copy
    const TableRows feature_rows(features, features_.feature_names());
    raw = trees_     ? trees_->predict(feature_rows)
          : booster_ ? booster_->predict(feature_rows)
                     : baseline_->predict(feature_rows);
  }

  const auto& classes = features_.label().classes;
  if (task_ == Task::kRegression) {
    Column prediction("prediction", DType::kFloat64);
    for (size_t row = 0; row < rows; ++row) prediction.push_float(raw[row]);
    out.add_column(std::move(prediction));
  } else if (task_ == Task::kBinary) {
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
  version.reserve(rows, rows * version_.size());
  scored_at.reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    version.push_string(version_);
    scored_at.push_int(options.scored_at_micros);
  }
  out.add_column(std::move(version));
  out.add_column(std::move(scored_at));
  if (options.keep_features) scored.features = std::move(features);
  return scored;
}

}  // namespace mlops
