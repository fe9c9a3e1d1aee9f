#include <fmt/format.h>

#include <cmath>

#include "mlops/contracts/profile.h"
#include "mlops/core/log.h"
#include "mlops/core/value_format.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/file.h"
#include "mlops/io/table_file.h"
#include "mlops/model/matrix.h"
#include "mlops/model/trainer.h"
#include "mlops/pipeline/model_registration.h"
#include "mlops/pipeline/stages.h"
#include "mlops/pipeline/training_split.h"

namespace mlops {

namespace {

nlohmann::json metrics_json(const TrainResult& result) {
  return {{"holdout", result.holdout_metrics},
          {"baseline", result.baseline_metrics},
          {"train_rows", result.train_rows},
          {"holdout_rows", result.holdout_rows}};
}

/// Built-in checks on what training produced: both sides of the split non-empty, metrics finite.
ContractReport check_training(const TrainResult& result) {
  ContractReport report;
  report.stage = "train";
  report.contract = "built-in train";
  report.rows = result.train_rows;
  auto add = [&](std::string name, std::string column, bool passed, std::string expected,
                 std::string observed) {
    report.checks.push_back(stage_check(std::move(name), std::move(column), passed,
                                        std::move(expected), std::move(observed)));
  };
  add("train_rows", "", result.train_rows > 0, ">= 1", std::to_string(result.train_rows));
  add("holdout_rows", "", result.holdout_rows > 0, ">= 1", std::to_string(result.holdout_rows));
  for (const auto& [name, value] : result.holdout_metrics) {
    add("finite_metric", name, std::isfinite(value), "finite", format_double(value));
  }
  return report;
}

}  // namespace

StageRecord run_train_stage(RunContext& run) {
  run.require_stage(Stage::kValidate, Stage::kTrain);
  const Workflow& workflow = run.workflow();
  const RunPaths& paths = run.paths();
  const Table features = read_table(paths.features());
  const FeaturePipeline pipeline = FeaturePipeline::load(paths.feature_state());
  const LabelInfo& label = pipeline.label();

  std::vector<float> labels = pipeline.encode_label(features.column(label.column));
  // featurize decided the split; reading it back keeps both stages on exactly the same rows.
  const SplitIndices split = split_from_column(features.column(kSplitColumn));
  const int num_class = label.categorical ? static_cast<int>(label.classes.size()) : 0;

  const std::string train_dir = paths.train_dir();
  make_directories(train_dir);
  const std::string model_path = train_dir + "/model.json";
  TrainResult result = train_xgboost(features, pipeline.feature_names(), labels, split,
                                     workflow.train, num_class, model_path);

  // The model travels with everything needed to score: feature state, schema, metadata.
  pipeline.save(train_dir + "/feature_state.json");
  // What the training rows' features looked like: batch-predict's drift checks compare with it.
  save_profile(profile_columns(features, pipeline.feature_names(), split.train),
               train_dir + "/profile.json");
  nlohmann::json meta{
      {"format", "mlops.model/1"},
      {"run_id", run.run_id()},
      {"workflow", workflow.name},
      {"objective", workflow.train.objective},
      {"num_class", num_class},
      {"classes", label.classes},
      {"features", pipeline.feature_names()},
      {"label", label.column},
      {"rounds", workflow.train.rounds},
      {"params", workflow.train.params},
      {"config_hash", workflow.config_hash},
      {"features_hash", run.manifest()["stages"]["featurize"]["outputs"][0].value("hash", "")}};
  write_file_atomic(train_dir + "/model_meta.json", meta.dump(2) + "\n");
  nlohmann::json metrics = metrics_json(result);
  write_file_atomic(train_dir + "/metrics.json", metrics.dump(2) + "\n");
  // DVC-style metrics file at the run root: holdout metrics by name.
  write_file_atomic(paths.metrics(), nlohmann::json(result.holdout_metrics).dump(2) + "\n");
  nlohmann::json importance = nlohmann::json::array();
  for (const auto& [feature, gain] : result.importance) {
    importance.push_back({{"feature", feature}, {"gain", gain}});
  }
  write_file_atomic(train_dir + "/importance.json", importance.dump(2) + "\n");
  run.record_metrics(result.holdout_metrics);

  for (const auto& [name, value] : result.holdout_metrics) {
    log_info(fmt::format("train: holdout {}", name),
             {{"value", value},
              {"baseline", result.baseline_metrics.count(name) ? result.baseline_metrics.at(name)
                                                               : std::nan("")}});
  }

  StageRecord record;
  record.inputs = {paths.features(), paths.feature_state()};
  record.outputs = {model_path,
                    train_dir + "/feature_state.json",
                    train_dir + "/profile.json",
                    train_dir + "/model_meta.json",
                    train_dir + "/metrics.json",
                    train_dir + "/importance.json",
                    paths.metrics()};
  record.rows = result.train_rows + result.holdout_rows;
  record.columns = pipeline.feature_names().size();
  record.details = metrics;
  record.details["importance"] = importance;
  record.contracts.push_back(check_training(result));
  check_declared_contract(run, Stage::kTrain, features, record);
  // Only a model that passed its contracts becomes a registered version.
  bool passed = true;
  for (const auto& report : record.contracts) passed = passed && report.passed();
  if (passed) {
    record.details["registry"] = register_trained_model(run, result.holdout_metrics, meta);
  }
  return record;
}

}  // namespace mlops
