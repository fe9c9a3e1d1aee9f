// batch-predict: scores with the registered model behind predict.model (default the champion).
// This file is wiring: it resolves the model in the registry, the input, the output paths in the
// run and the evaluation store, then predict/batch_predict.h streams the input through the
// scoring engine and reports what it wrote, which becomes the stage's record.

#include <fmt/format.h>

#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/feature_store/historical_join.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/csv/reader.h"
#include "mlops/io/table_file.h"
#include "mlops/io/typed_read.h"
#include "mlops/pipeline/stages.h"
#include "mlops/predict/batch_predict.h"
#include "mlops/predict/scoring_engine.h"
#include "mlops/predict/scoring_schema.h"
#include "mlops/store/open_stores.h"

namespace mlops {

namespace {

/// The registered version predict.model names, loaded for scoring.
ScoringEngine load_registered_model(const Workflow& workflow, nlohmann::json& details) {
  std::unique_ptr<ModelRegistry> registry = open_registry(workflow.settings);
  const ModelVersion version =
      resolve_model_version(*registry, workflow.registry.model, workflow.predict.model);
  details["model"] = workflow.registry.model;
  details["model_reference"] = workflow.predict.model;
  details["model_version"] = fmt::format("v{}", version.version);
  details["model_dir"] = version.artifact_dir;
  log_info(fmt::format("predict: scoring with {} v{} ({})", workflow.registry.model,
                       version.version, workflow.predict.model),
           {{"trained_by_run", version.run_id}});
  ScoringEngine engine =
      ScoringEngine::load(version.artifact_dir, fmt::format("v{}", version.version));
  if (const BaselineModel* baseline = engine.baseline()) {
    details["fallback"] = {{"baseline", baseline->model()}, {"reason", engine.fallback_reason()}};
  }
  return engine;
}

int64_t scored_at_micros(const PredictSpec& predict) {
  // Whole seconds: the same instant for every row of the run, and cheap to write.
  if (predict.scored_at.empty()) return now_micros() / 1'000'000 * 1'000'000;
  return *parse_timestamp(predict.scored_at);  // checked when the config was read
}

/// The column names of a plain CSV / TSV input's header; empty for other inputs.
std::vector<std::string> csv_header(const std::string& path, const TypedReadSpec& spec) {
  TypedReadSpec untyped = spec;
  untyped.schema.clear();
  std::optional<ReadOptions> options = csv_read_options(path, untyped);
  if (!options) return {};
  const CsvReader reader(path, *options, 64 << 10);
  std::vector<std::string> names;
  for (const Field& field : reader.schema()) names.push_back(field.name);
  return names;
}

/// The input: the run's clean table, typed by its sidecar, or predict.input typed as the model
/// was trained (predict/scoring_schema.h: the label not needed, id columns as received); a
/// plain CSV / TSV streamed, compressed and JSON inputs read whole, with the records that
/// cannot be typed quarantined.
BatchInput batch_input(const Workflow& workflow, const ScoringEngine& engine,
                       const std::string& path, bool own_table) {
  BatchInput input;
  input.path = path;
  if (own_table) {
    input.csv = table_read_options(path);
    input.read_whole = [path] {
      ReadResult result;
      result.table = read_table(path);
      return result;
    };
    return input;
  }
  TypedReadSpec spec = typed_read_spec(workflow.ingest, path);
  spec.schema = scoring_columns(engine, workflow.ingest.schema, workflow.predict.id_columns,
                                csv_header(path, spec));
  input.csv = csv_read_options(path, spec);
  if (input.csv) {
    input.read_whole = [path, options = *input.csv] { return read_csv_file(path, options); };
  } else {
    input.read_whole = [path, spec] { return read_with_schema(path, spec); };
  }
  return input;
}

}  // namespace

StageRecord run_predict_stage(RunContext& run) {
  const Workflow& workflow = run.workflow();
  const PredictSpec& spec = workflow.predict;
  const RunPaths& paths = run.paths();
  StageRecord record;

  // A workflow trained from a point-in-time join scores entity rows joined the same way
  // (predict.input, else the training entity file), so training and scoring see the same
  // features as of each row's time.
  const FeaturizeSourceSpec& source = workflow.featurize.source;
  const bool historical = source.type == "historical";
  const bool own_table = spec.input.empty() && !historical;
  if (own_table) run.require_stage(Stage::kIngest, Stage::kBatchPredict);
  std::string input_path = own_table ? paths.clean_table() : spec.input;
  if (historical) {
    const HistoricalJoinSpec join = featurize_join_spec(source, spec.input);
    input_path = paths.stage_dir(Stage::kBatchPredict) + "/entities_joined.csv";
    const HistoricalJoinStats stats = historical_join_file(workflow, join, input_path);
    record.inputs.push_back(join.entities);
    record.details["entities_joined"] = {{"entities", join.entities}, {"rows", stats.rows}};
  }
  record.inputs.push_back(input_path);
  const ScoringEngine engine = load_registered_model(workflow, record.details);
  record.inputs.push_back(engine.model_dir() + "/model.json");

  BatchPredictOptions options;
  options.id_columns = spec.id_columns;
  options.scored_at_micros = scored_at_micros(spec);
  options.shard_index = spec.shard_index;
  options.shard_count = spec.shard_count;
  // Shards of one run write their own files, so concurrent shard jobs never share one.
  const std::string suffix =
      spec.shard_count > 1 ? fmt::format("-{}-of-{}", spec.shard_index, spec.shard_count) : "";
  const std::string predict_dir = paths.stage_dir(Stage::kBatchPredict);
  const BatchOutputs outputs{.predictions = predict_dir + "/predictions" + suffix + ".csv",
                             .copy = spec.output,
                             .drift = predict_dir + "/drift" + suffix + ".json",
                             .quarantine = predict_dir + "/quarantine" + suffix + ".jsonl",
                             .quarantine_when_empty = !own_table};
  if (auto it = workflow.contracts.find("predict"); it != workflow.contracts.end()) {
    options.contract = load_contract(it->second, "predict");
  }

  // Every prediction goes to the evaluation store, keyed by the id columns, so labels that
  // arrive later can be joined (`mlops evaluate`).
  std::unique_ptr<EvaluationStore> evaluation;
  if (spec.log_predictions && !spec.id_columns.empty()) {
    evaluation = open_evaluation_store(workflow.settings);
    // A shard logs under its own name within the run: shards of one run (`--run`, on several
    // machines) each discard and rewrite only their own rows when their scoring restarts.
    const std::string log_run_id =
        spec.shard_count > 1
            ? fmt::format("{}:shard-{}-of-{}", run.run_id(), spec.shard_index, spec.shard_count)
            : run.run_id();
    options.log = {
        .store = evaluation.get(), .model = workflow.registry.model, .run_id = log_run_id};
  } else if (spec.log_predictions) {
    log_warn("predict: predictions are not logged for evaluation: set predict.id_columns",
             {{"workflow", workflow.name}});
  }

  BatchPredictResult result =
      batch_predict(engine, batch_input(workflow, engine, input_path, own_table), outputs, options);

  record.outputs = std::move(result.outputs);
  record.rows = result.rows;
  record.columns = result.columns;
  record.contracts = std::move(result.contracts);
  record.details["input_rows"] = result.input_rows;
  record.details["logged_for_evaluation"] = evaluation != nullptr;
  if (spec.shard_count > 1) {
    record.details["shard"] = fmt::format("{}/{}", spec.shard_index, spec.shard_count);
  }
  return record;
}

}  // namespace mlops
