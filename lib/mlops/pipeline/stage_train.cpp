#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "mlops/contracts/drift_reference.h"
#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/memory.h"
#include "mlops/core/progress.h"
#include "mlops/core/value_format.h"
#include "mlops/core/version.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/file.h"
#include "mlops/io/git_revision.h"
#include "mlops/io/table_file.h"
#include "mlops/model/train/train_artifacts.h"
#include "mlops/model/train/train_model.h"
#include "mlops/model/train/training_split.h"
#include "mlops/model/xgb/collective.h"
#include "mlops/pipeline/model_registration.h"
#include "mlops/pipeline/stages.h"

namespace mlops {

namespace {

/// The model's input columns and types: what batch-predict reads its input as and serving
/// types a request by. The clean table's, as its sidecar records them; for featurize.source
/// historical, the joined rows' that featurize wrote. Empty when neither exists.
nlohmann::json input_schema_json(const Workflow& workflow, const RunPaths& paths) {
  if (workflow.featurize.source.type == "historical") {
    if (!path_exists(paths.joined_schema())) return nlohmann::json::array();
    try {
      return nlohmann::json::parse(read_file(paths.joined_schema()));
    } catch (const nlohmann::json::exception& error) {
      throw DataError("{}: {}", paths.joined_schema(), error.what());
    }
  }
  const std::string clean_table = paths.clean_table();
  nlohmann::json fields = nlohmann::json::array();
  if (!path_exists(schema_sidecar_path(clean_table))) return fields;
  for (const ColumnDecl& column : table_read_options(clean_table).declared) {
    fields.push_back({{"name", column.name}, {"dtype", std::string(dtype_name(column.type))}});
  }
  return fields;
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

/// The repository the workflow file is in (the current directory for a bare file name).
GitRevision workflow_revision(const Workflow& workflow) {
  if (workflow.path.empty()) return {"", std::nullopt, "no workflow file"};
  const std::filesystem::path dir = std::filesystem::path(workflow.path).parent_path();
  return git_revision(dir.empty() ? "." : dir.string());
}

/// Progress on a terminal: the final model's rounds, then the cross-validation folds.
TrainOptions progress_options(const TrainSpec& spec, ProgressLine& rounds, ProgressLine& folds) {
  TrainOptions options;
  options.on_round = [&rounds, total = spec.rounds](const RoundCurve& curve) {
    rounds.update(static_cast<size_t>(curve.rounds_trained), static_cast<size_t>(total),
                  fmt::format("{} train {:.5g}  {} {:.5g}", curve.metric, curve.train.back(),
                              curve.watched, curve.watched_values.back()));
  };
  // Without early stopping the curve is measured after training: until then, only rounds.
  options.on_boosted = [&rounds, total = spec.rounds](int done) {
    rounds.update(static_cast<size_t>(done), static_cast<size_t>(total), "boosting");
  };
  options.on_fold = [&rounds, &folds, total = spec.cv_folds](int done) {
    rounds.finish();
    folds.update(static_cast<size_t>(done), static_cast<size_t>(total), "folds");
  };
  return options;
}

void log_training(const TrainResult& result) {
  const RoundCurve& curve = result.curve;
  log_info("train: rounds",
           {{"kept", curve.best_round},
            {"trained", curve.rounds_trained},
            {"stopped_early", curve.stopped_early},
            {"metric", curve.metric},
            {curve.watched, curve.watched_values.at(static_cast<size_t>(curve.best_round - 1))}});
  log_info("train: baseline", {{"model", result.baseline.model()}});
  for (const auto& [name, value] : result.holdout_metrics) {
    log_info(fmt::format("train: holdout {}", name),
             {{"value", value},
              {"baseline", result.baseline_metrics.count(name) ? result.baseline_metrics.at(name)
                                                               : std::nan("")}});
  }
  for (const auto& [name, fold] : result.cv) {
    log_info(fmt::format("train: cv {}", name),
             {{"mean", fold.mean}, {"std", fold.std}, {"folds", fold.folds.size()}});
  }
}

/// The training setup of a feature table as featurize wrote it, under its fitted pipeline:
/// the encoded labels, featurize's split and, for a group split, its groups.
TrainingSetup training_setup(const Table& features, const FeaturePipeline& pipeline,
                             const TrainSpec& spec) {
  const LabelInfo& label = pipeline.label();
  TrainingSetup setup;
  setup.feature_names = pipeline.feature_names();
  setup.labels = pipeline.encode_label(features.column(label.column));
  setup.classes = label.classes;
  setup.num_class = label.categorical ? static_cast<int>(label.classes.size()) : 0;
  // featurize decided the split; reading it back keeps both stages on exactly the same rows.
  setup.split = split_from_column(features.column(kSplitColumn));
  if (const Column* group = features.find(kGroupColumn)) {
    setup.groups = groups_from_column(*group);
  } else if (spec.split.type == "group") {
    log_warn(
        "train: the features have no groups (featurize ran with another split type); the "
        "validation set and folds ignore groups: rerun featurize");
  }
  return setup;
}

/// The run's feature table, or in distributed training this worker's shard of it.
Table read_features(const RunContext& run) {
  const Collective* team = run.collective();
  if (!team) return read_table(run.paths().features());
  Table shard = read_table(run.paths().features(), static_cast<size_t>(team->rank()),
                           static_cast<size_t>(team->world_size()));
  log_info("train: this worker's shard of the features",
           {{"rank", team->rank()},
            {"world_size", team->world_size()},
            {"rows", shard.num_rows()},
            {"peak_rss_mb", static_cast<double>(peak_rss_bytes()) / (1 << 20)}});
  return shard;
}

}  // namespace

void run_train_worker(RunContext& run) {
  run.require_stage(Stage::kValidate, Stage::kTrain);
  const FeaturePipeline pipeline = FeaturePipeline::load(run.paths().feature_state());
  Table features = read_features(run);
  const TrainingSetup setup = training_setup(features, pipeline, run.workflow().train);
  TrainOptions options;
  options.collective = run.collective();
  // Rank 0 saves the model and writes every document; this worker only trains with it.
  train_model(std::move(features), setup, run.workflow().train, "", options);
}

StageRecord run_train_stage(RunContext& run, std::optional<Table> features) {
  run.require_stage(Stage::kValidate, Stage::kTrain);
  const Workflow& workflow = run.workflow();
  const RunPaths& paths = run.paths();
  if (!features) features = read_features(run);
  const FeaturePipeline pipeline = FeaturePipeline::load(paths.feature_state());
  const LabelInfo& label = pipeline.label();
  const TrainingSetup setup = training_setup(*features, pipeline, workflow.train);

  const std::string train_dir = paths.train_dir();
  make_directories(train_dir);
  // Training consumes the feature table, so what reads it comes first. The training rows'
  // profile is batch-predict's drift reference, and a declared contract's drift checks compare
  // with it; the built-in checks on the result go before the declared ones in the record.
  // The profile must describe what scoring computes: out-of-fold target encodings exist only
  // in the feature table, so then the rows are transformed again as the scorer does, and the
  // contract's drift section compares that view with the profile too (like with like).
  StageRecord record;
  const nlohmann::json schema = feature_schema_json(*features, pipeline.feature_names());
  {
    std::optional<Table> scored_view;
    if (pipeline.out_of_fold()) scored_view = pipeline.transform(read_table(paths.clean_table()));
    const Table& profiled = scored_view ? *scored_view : *features;
    save_drift_reference(
        drift_reference_of_columns(profiled, pipeline.feature_names(), setup.split.train),
        train_dir + "/profile.json");
    check_declared_contract(run, Stage::kTrain, *features, record,
                            scored_view ? &*scored_view : nullptr);
  }

  const std::string model_path = train_dir + "/model.json";
  ProgressLine round_progress = ProgressLine::on_stderr("train");
  ProgressLine fold_progress = ProgressLine::on_stderr("cv");
  TrainOptions train_options = progress_options(workflow.train, round_progress, fold_progress);
  train_options.collective = run.collective();
  TrainedModel trained =
      train_model(std::move(*features), setup, workflow.train, model_path, train_options);
  round_progress.finish();
  fold_progress.finish();
  const TrainResult& result = trained.result;

  // The model travels with everything needed to score: feature state, schema, metadata.
  pipeline.save(train_dir + "/feature_state.json");
  result.baseline.save(train_dir + "/baseline.json");
  nlohmann::json meta{
      {"format", "mlops.model/1"},
      {"mlops_version", kVersion},
      {"run_id", run.run_id()},
      {"workflow", workflow.name},
      {"objective", workflow.train.objective},
      {"num_class", setup.num_class},
      {"classes", label.classes},
      {"features", pipeline.feature_names()},
      {"schema", schema},
      {"input_schema", input_schema_json(workflow, paths)},
      {"label", label.column},
      {"rounds", result.curve.best_round},
      {"rounds_trained", result.curve.rounds_trained},
      {"params", workflow.train.params},
      {"config_hash", workflow.config_hash},
      {"data_hash", run.manifest()["stages"]["featurize"]["outputs"][0].value("hash", "")}};
  if (const Collective* team = run.collective()) {
    // The drift profile and the declared contract saw rank 0's shard only.
    meta["distributed"] = {{"workers", team->world_size()}, {"profile_rows", "rank 0's shard"}};
  }
  add_git_revision(meta, workflow_revision(workflow));
  write_file_atomic(train_dir + "/model_meta.json", meta.dump(2) + "\n");
  write_file_atomic(train_dir + "/metrics.json", trained.metrics.dump(2) + "\n");
  write_file_atomic(train_dir + "/curve.json", trained.curve.dump(2) + "\n");
  write_file_atomic(train_dir + "/evaluation.json", trained.evaluation.dump(2) + "\n");
  // DVC-style metrics file at the run root: holdout metrics by name.
  write_file_atomic(paths.metrics(), nlohmann::json(result.holdout_metrics).dump(2) + "\n");
  write_file_atomic(train_dir + "/importance.json", trained.importance.dump(2) + "\n");
  run.record_metrics(result.holdout_metrics);
  log_training(result);

  record.inputs = {paths.features(), paths.feature_state()};
  record.outputs = {model_path,
                    train_dir + "/feature_state.json",
                    train_dir + "/baseline.json",
                    train_dir + "/profile.json",
                    train_dir + "/model_meta.json",
                    train_dir + "/metrics.json",
                    train_dir + "/curve.json",
                    train_dir + "/evaluation.json",
                    train_dir + "/importance.json",
                    paths.metrics()};
  record.rows = result.train_rows + result.holdout_rows;
  record.columns = pipeline.feature_names().size();
  record.details = trained.metrics;
  record.details["importance"] = trained.importance;
  record.details["curve"] = {{"metric", result.curve.metric},
                             {"best_round", result.curve.best_round},
                             {"rounds_trained", result.curve.rounds_trained},
                             {"stopped_early", result.curve.stopped_early}};
  if (const Collective* team = run.collective()) {
    record.details["distributed"] = {{"workers", team->world_size()},
                                     {"bytes_allreduced_rank0", team->bytes_reduced()}};
  }
  record.contracts.insert(record.contracts.begin(), check_training(result));
  // Only a model that passed its contracts becomes a registered version.
  bool passed = true;
  for (const auto& report : record.contracts) passed = passed && report.passed();
  if (passed) {
    record.details["registry"] = register_trained_model(run, result.holdout_metrics, meta);
  }
  return record;
}

}  // namespace mlops
