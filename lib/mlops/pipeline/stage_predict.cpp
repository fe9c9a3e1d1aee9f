// batch-predict: streams the input in batches (a CSV window at a time), scores each with the
// saved feature state and model, and appends the predictions to a file that appears only when
// all are written. Peak memory is one batch, whatever the input size.

#include <fmt/format.h>

#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/ingest/file_source.h"
#include "mlops/ingest/quarantine.h"
#include "mlops/io/csv_reader.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/scored_drift.h"
#include "mlops/pipeline/stages.h"
#include "mlops/pipeline/streaming_contract.h"
#include "mlops/predict/batch_predict.h"

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

}  // namespace

StageRecord run_predict_stage(RunContext& run) {
  run.require_stage(Stage::kTrain, Stage::kPredict);
  const Workflow& workflow = run.workflow();
  const RunPaths& paths = run.paths();
  StageRecord record;

  // The run's clean table is typed by its sidecar; new data exactly like training data, with
  // records that cannot be typed quarantined.
  const bool own_table = workflow.predict.input.empty();
  const std::string input_path = own_table ? paths.clean_table() : workflow.predict.input;
  record.inputs.push_back(input_path);
  ScoringModel model = load_scoring_model(paths.train_dir());
  record.inputs.push_back(paths.train_dir() + "/model.json");

  // Whole seconds: the same instant for every row of the run, and cheap to write.
  const int64_t scored_at = now_micros() / 1'000'000 * 1'000'000;
  TableWriter writer(paths.predictions());
  std::vector<BadRecord> bad;
  std::optional<Contract> declared;
  if (auto it = workflow.contracts.find("predict"); it != workflow.contracts.end()) {
    declared = load_contract(it->second, "predict");
  }
  std::optional<DriftAccumulator> drift = take_scored_drift(declared, paths);
  StreamingContract builtin_check("predict"), declared_check("predict");
  size_t input_rows = 0;
  auto score = [&](const Table& batch) {
    Table features;
    Table predictions = score_table(batch, model, workflow.predict.id_columns, scored_at,
                                    drift ? &features : nullptr);
    builtin_check.add(builtin_predict_contract(predictions), predictions);
    if (declared) declared_check.add(*declared, predictions);
    if (drift) drift->add(features);
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
    CsvReader reader(input_path, options, kWindowBytes);
    Table batch;
    bool any = false;
    while (reader.next(batch, bad)) {
      score(batch);
      any = true;
    }
    if (!any) score(empty_table(reader.schema()));
  } else if (own_table) {
    score(read_table(input_path));
  } else {
    ReadResult result = read_with_schema(input_path, workflow.ingest);
    bad = std::move(result.bad);
    score(result.table);
  }
  writer.commit();
  record.outputs.push_back(paths.predictions());
  if (!own_table || !bad.empty()) {
    write_quarantine(bad, paths.predict_quarantine());
    record.outputs.push_back(paths.predict_quarantine());
  }
  if (!bad.empty()) {
    log_warn("predict: input records sent to quarantine",
             {{"count", static_cast<uint64_t>(bad.size())}, {"file", paths.predict_quarantine()}});
  }

  record.rows = writer.rows();
  record.columns = writer.schema().size();
  record.details = {{"model_version", model.version}, {"input_rows", input_rows}};
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
