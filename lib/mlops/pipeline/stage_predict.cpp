// batch-predict: scores with the registered model behind predict.model (default the champion),
// streaming the input in batches (a CSV window at a time), appending the predictions to a file
// that appears only when all are written and logging each to the evaluation store. Peak memory
// is one batch, whatever the input size.

#include <fmt/format.h>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/ingest/file_source.h"
#include "mlops/ingest/quarantine.h"
#include "mlops/io/csv_reader.h"
#include "mlops/io/file.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/model_registration.h"
#include "mlops/pipeline/scored_drift.h"
#include "mlops/pipeline/stages.h"
#include "mlops/pipeline/streaming_contract.h"
#include "mlops/predict/batch_predict.h"
#include "mlops/predict/evaluation_store.h"
#include "mlops/predict/prediction_log.h"

namespace mlops {

namespace {

constexpr size_t kWindowBytes = 8 << 20;

/// Built-in: no missing prediction, probabilities in [0, 1] (the row count is checked once
/// the stream ends).
Contract builtin_predict_contract(const Table& predictions) {
  Contract contract{.name = "built-in predict"};
  contract.columns.push_back({.column = "prediction", .nullable = false});
  for (const auto& name : predictions.column_names()) {
    if (name.rfind("probability", 0) == 0) {
      contract.columns.push_back({.column = name, .nullable = false, .min = 0.0, .max = 1.0});
    }
  }
  return contract;
}

Table empty_table(const Schema& schema) {
  Table table;
  for (const auto& field : schema) table.add_column(Column(field.name, field.type));
  return table;
}

/// Rows [n*K/N, n*(K+1)/N) of a table read whole: contiguous, so shards concatenate in order.
Table shard_rows(const Table& table, size_t index, size_t count) {
  if (count <= 1) return table;
  const size_t rows = table.num_rows();
  std::vector<size_t> keep;
  for (size_t row = rows * index / count; row < rows * (index + 1) / count; ++row) {
    keep.push_back(row);
  }
  return table.take(keep);
}

/// The registered version predict.model names, loaded for scoring.
ScoringModel load_registered_model(const Workflow& workflow, nlohmann::json& details) {
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
  ScoringModel model =
      load_scoring_model(version.artifact_dir, fmt::format("v{}", version.version));
  if (model.baseline) {
    details["fallback"] = {{"baseline", model.baseline->model()},
                           {"reason", model.fallback_reason}};
  }
  return model;
}

int64_t scored_at_micros(const PredictSpec& predict) {
  // Whole seconds: the same instant for every row of the run, and cheap to write.
  if (predict.scored_at.empty()) return now_micros() / 1'000'000 * 1'000'000;
  return *parse_timestamp(predict.scored_at);  // checked when the config was read
}

}  // namespace

StageRecord run_predict_stage(RunContext& run) {
  const Workflow& workflow = run.workflow();
  const PredictSpec& spec = workflow.predict;
  const RunPaths& paths = run.paths();
  StageRecord record;

  // The run's clean table is typed by its sidecar; new data exactly like training data, with
  // records that cannot be typed quarantined.
  const bool own_table = spec.input.empty();
  if (own_table) run.require_stage(Stage::kIngest, Stage::kPredict);
  const std::string input_path = own_table ? paths.clean_table() : spec.input;
  record.inputs.push_back(input_path);
  ScoringModel model = load_registered_model(workflow, record.details);
  record.inputs.push_back(model.dir + "/model.json");

  const int64_t scored_at = scored_at_micros(spec);
  TableWriter writer(paths.predictions());
  std::vector<BadRecord> bad;
  std::optional<Contract> declared;
  if (auto it = workflow.contracts.find("predict"); it != workflow.contracts.end()) {
    declared = load_contract(it->second, "predict");
  }
  std::optional<DriftAccumulator> drift = take_scored_drift(declared, model.dir);
  // The report shows every feature's drift, whether or not the contract checks it.
  std::optional<DriftAccumulator> report_drift = summary_drift(model.dir);

  // Every prediction goes to the evaluation store, keyed by the id columns, so labels that
  // arrive later can be joined (`mlops evaluate`).
  std::unique_ptr<EvaluationStore> evaluation;
  if (spec.log_predictions && !spec.id_columns.empty()) {
    evaluation = open_sqlite_evaluation_store(workflow.settings.store_path);
  } else if (spec.log_predictions) {
    log_warn("predict: predictions are not logged for evaluation: set predict.id_columns",
             {{"workflow", workflow.name}});
  }
  const bool need_features = drift || report_drift || evaluation;

  StreamingContract builtin_check("predict"), declared_check("predict");
  size_t input_rows = 0;
  auto score = [&](const Table& batch) {
    Table features;
    Table predictions =
        score_table(batch, model, spec.id_columns, scored_at, need_features ? &features : nullptr);
    builtin_check.add(builtin_predict_contract(predictions), predictions);
    if (declared) declared_check.add(*declared, predictions);
    if (drift) drift->add(features);
    if (report_drift) report_drift->add(features);
    if (evaluation) {
      evaluation->log_predictions(
          workflow.registry.model, model.version, run.run_id(), scored_at,
          prediction_log_rows(predictions, features, model.features.feature_names(),
                              spec.id_columns));
    }
    writer.write(predictions);
    input_rows += batch.num_rows();
  };

  SourceSpec source;
  source.path = input_path;
  const std::string format = own_table ? "csv" : resolve_format(source);
  // Trailing-window aggregates need every earlier row of a key: such models score the whole
  // input at once instead of streaming it.
  const bool stream = model.features.row_independent();
  if ((format == "csv" || format == "tsv") && stream) {
    ReadOptions options = own_table ? table_read_options(input_path) : ReadOptions();
    if (!own_table) {
      options.declared = workflow.ingest.schema;
      options.null_values = workflow.ingest.null_values;
      options.delimiter = format == "tsv" ? '\t' : ',';
    }
    options.shard_index = spec.shard_index;
    options.shard_count = spec.shard_count;
    CsvReader reader(input_path, options, kWindowBytes);
    Table batch;
    bool any = false;
    while (reader.next(batch, bad)) {
      score(batch);
      any = true;
    }
    if (!any) score(empty_table(reader.schema()));
  } else if (own_table) {
    score(shard_rows(read_table(input_path), spec.shard_index, spec.shard_count));
  } else {
    ReadResult result = read_with_schema(input_path, workflow.ingest);
    bad = std::move(result.bad);
    score(shard_rows(result.table, spec.shard_index, spec.shard_count));
  }
  writer.commit();
  record.outputs.push_back(paths.predictions());
  if (!spec.output.empty()) {
    copy_file_atomic(paths.predictions(), spec.output);
    record.outputs.push_back(spec.output);
  }
  if (!own_table || !bad.empty()) {
    write_quarantine(bad, paths.predict_quarantine());
    record.outputs.push_back(paths.predict_quarantine());
  }
  if (!bad.empty()) {
    log_warn("predict: input records sent to quarantine",
             {{"count", static_cast<uint64_t>(bad.size())}, {"file", paths.predict_quarantine()}});
  }

  if (report_drift) {
    write_file_atomic(
        paths.scored_drift(),
        drift_summary_json(*report_drift, model.dir + "/profile.json", input_rows).dump(2) + "\n");
    record.outputs.push_back(paths.scored_drift());
  }

  record.rows = writer.rows();
  record.columns = writer.schema().size();
  record.details["input_rows"] = input_rows;
  record.details["logged_for_evaluation"] = evaluation != nullptr;
  if (spec.shard_count > 1) {
    record.details["shard"] = fmt::format("{}/{}", spec.shard_index, spec.shard_count);
  }
  ContractReport builtin = builtin_check.report("built-in predict");
  CheckResult count;
  count.check = "row_count";
  count.expected = fmt::format("{} (one per input row)", input_rows);
  count.observed = std::to_string(writer.rows());
  count.passed = writer.rows() == input_rows;
  builtin.checks.insert(builtin.checks.begin(), std::move(count));
  record.contracts.push_back(std::move(builtin));
  if (declared) record.contracts.push_back(declared_check.report(declared->name));
  if (drift) record.contracts.push_back(scored_drift_report(*drift, *declared, input_rows));
  return record;
}

}  // namespace mlops
