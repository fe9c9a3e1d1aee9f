#include <fmt/format.h>

#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/ingest/file_source.h"
#include "mlops/ingest/quarantine.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/stages.h"
#include "mlops/predict/batch_predict.h"

namespace mlops {

namespace {

/// Built-in: one prediction per input row, no missing prediction, probabilities in [0, 1].
Contract builtin_predict_contract(const Table& predictions, size_t input_rows) {
  Contract contract{.name = "built-in predict", .min_rows = input_rows, .max_rows = input_rows};
  contract.columns.push_back({.column = "prediction", .nullable = false});
  for (const auto& name : predictions.column_names()) {
    if (name.rfind("probability", 0) == 0) {
      contract.columns.push_back({.column = name, .nullable = false, .min = 0.0, .max = 1.0});
    }
  }
  return contract;
}

}  // namespace

StageRecord run_predict_stage(RunContext& run) {
  run.require_stage(Stage::kTrain, Stage::kPredict);
  const Workflow& workflow = run.workflow();
  const RunPaths& paths = run.paths();

  StageRecord record;
  Table input;
  if (workflow.predict.input.empty()) {
    input = read_table(paths.clean_table());
    record.inputs.push_back(paths.clean_table());
  } else {
    // New data is typed exactly like training data; records that cannot be are quarantined.
    ReadResult result = read_with_schema(workflow.predict.input, workflow.ingest);
    write_quarantine(result.bad, paths.predict_quarantine());
    record.outputs.push_back(paths.predict_quarantine());
    if (!result.bad.empty()) {
      log_warn("predict: input records sent to quarantine",
               {{"count", static_cast<uint64_t>(result.bad.size())},
                {"file", paths.predict_quarantine()}});
    }
    input = std::move(result.table);
    record.inputs.push_back(workflow.predict.input);
  }

  ScoringModel model = load_scoring_model(paths.train_dir());
  record.inputs.push_back(paths.train_dir() + "/model.json");
  Table predictions = score_table(input, model, workflow.predict.id_columns, now_micros());
  write_table(predictions, paths.predictions());
  record.outputs.insert(record.outputs.begin(), paths.predictions());
  record.rows = predictions.num_rows();
  record.columns = predictions.num_columns();
  record.details = {{"model_version", model.version}, {"input_rows", input.num_rows()}};

  record.contracts.push_back(check_contract(builtin_predict_contract(predictions, input.num_rows()),
                                            predictions, "predict"));
  check_declared_contract(run, Stage::kPredict, predictions, record);
  return record;
}

}  // namespace mlops
