// batch-predict: scores with the registered model behind predict.model (default the champion),
// streaming the input in batches (a CSV window at a time), appending the predictions to a file
// that appears only when all are written and logging each to the evaluation store. Peak memory
// is one batch, whatever the input size.

#include <fmt/format.h>

#include <future>

#include "mlops/contracts/streaming_contract.h"
#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/ingest/file_source.h"
#include "mlops/ingest/quarantine.h"
#include "mlops/io/csv/batches.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/file.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/model_registration.h"
#include "mlops/pipeline/scored_drift.h"
#include "mlops/pipeline/stages.h"
#include "mlops/predict/scoring_engine.h"
#include "mlops/store/evaluation_store.h"
#include "mlops/store/prediction_log.h"

namespace mlops {

namespace {

constexpr size_t kWindowBytes = 4 << 20;  // one part per core; 8 MB held 30 MB more, no faster

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

/// Rows [n*K/N, n*(K+1)/N) of a table read whole: contiguous, so shards concatenate in order.
std::vector<size_t> shard_rows(size_t rows, size_t index, size_t count) {
  std::vector<size_t> keep;
  for (size_t row = rows * index / count; row < rows * (index + 1) / count; ++row) {
    keep.push_back(row);
  }
  return keep;
}

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
  ScoringEngine model =
      ScoringEngine::load(version.artifact_dir, fmt::format("v{}", version.version));
  if (const BaselineModel* baseline = model.baseline()) {
    details["fallback"] = {{"baseline", baseline->model()}, {"reason", model.fallback_reason()}};
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
  if (own_table) run.require_stage(Stage::kIngest, Stage::kBatchPredict);
  const std::string input_path = own_table ? paths.clean_table() : spec.input;
  record.inputs.push_back(input_path);
  ScoringEngine model = load_registered_model(workflow, record.details);
  record.inputs.push_back(model.model_dir() + "/model.json");

  const int64_t scored_at = scored_at_micros(spec);
  // Shards of one run write their own files, so concurrent shard jobs never share one.
  const std::string suffix =
      spec.shard_count > 1 ? fmt::format("-{}-of-{}", spec.shard_index, spec.shard_count) : "";
  const std::string predict_dir = paths.stage_dir(Stage::kBatchPredict);
  const std::string predictions_path = predict_dir + "/predictions" + suffix + ".csv";
  const std::string drift_path = predict_dir + "/drift" + suffix + ".json";
  const std::string quarantine_path = predict_dir + "/quarantine" + suffix + ".jsonl";
  std::optional<Contract> declared;
  if (auto it = workflow.contracts.find("predict"); it != workflow.contracts.end()) {
    declared = load_contract(it->second, "predict");
  }

  // Every prediction goes to the evaluation store, keyed by the id columns, so labels that
  // arrive later can be joined (`mlops evaluate`).
  std::unique_ptr<EvaluationStore> evaluation;
  if (spec.log_predictions && !spec.id_columns.empty()) {
    evaluation = open_sqlite_evaluation_store(workflow.settings.store_path);
  } else if (spec.log_predictions) {
    log_warn("predict: predictions are not logged for evaluation: set predict.id_columns",
             {{"workflow", workflow.name}});
  }

  // What one pass over the input builds; a restart (a CSV column typed too narrowly by the
  // first window) starts a fresh one.
  struct Pass {
    std::optional<TableWriter> writer;
    // The previous batch's predictions, formatted and written while this one is scored; at
    // most one in flight, so the file keeps the input's order. Declared after `writer`, so a
    // pass destroyed with a write in flight (another error, or a restart) waits for it first
    // (std::async's futures block); that write's own error then gives way to the one that
    // stopped the pass, and a restart discards the file anyway.
    std::future<void> writing;
    void finish_writing() {
      if (writing.valid()) writing.get();  // rethrows a write error
    }
    std::optional<Contract> declared;
    std::optional<DriftAccumulator> drift, report_drift;
    StreamingContract builtin_check{"predict"}, declared_check{"predict"};
    std::vector<BadRecord> bad;
    size_t input_rows = 0;
  };
  std::optional<Pass> pass;
  auto start_pass = [&] {
    pass.emplace();
    pass->writer.emplace(predictions_path);
    pass->declared = declared;
    // The report shows every feature's drift, whether or not the contract checks it; a
    // contract drift rule over every feature against the model's profile already measures it.
    const bool contract_covers_all = pass->declared && pass->declared->drift &&
                                     pass->declared->drift->columns.empty() &&
                                     pass->declared->drift->reference.empty();
    pass->drift = take_scored_drift(pass->declared, model.model_dir());
    if (!contract_covers_all) pass->report_drift = summary_drift(model.model_dir());
    if (evaluation) evaluation->discard_run(workflow.registry.model, run.run_id());
  };
  start_pass();
  const ScoreOptions score_options{
      .id_columns = spec.id_columns,
      .scored_at_micros = scored_at,
      .keep_features = pass->drift || pass->report_drift || evaluation};
  const bool need_features = score_options.keep_features;

  // Scores a batch; with `keep`, only those rows are written (a shard of a table scored whole).
  auto score = [&](Table batch, const std::vector<size_t>* keep = nullptr) {
    const size_t batch_rows = batch.num_rows();
    ScoredBatch scored = model.score(std::move(batch), score_options);
    Table& predictions = scored.predictions;
    Table& features = scored.features;
    if (keep) {
      predictions = predictions.take(*keep);
      if (need_features) features = features.take(*keep);
    }
    pass->builtin_check.add(builtin_predict_contract(predictions), predictions);
    if (pass->declared) pass->declared_check.add(*pass->declared, predictions);
    if (predictions.num_rows() > 0) {
      if (pass->drift) pass->drift->add(features);
      if (pass->report_drift) pass->report_drift->add(features);
      if (evaluation) {
        evaluation->log_predictions(
            workflow.registry.model, model.version(), run.run_id(), scored_at,
            prediction_log_rows(predictions, features, model.features().feature_names(),
                                spec.id_columns));
      }
    }
    pass->finish_writing();
    pass->writing = std::async(
        std::launch::async,
        [writer = &*pass->writer, rows = std::move(predictions)] { writer->write(rows); });
    pass->input_rows += keep ? keep->size() : batch_rows;
  };

  // A plain CSV / TSV is streamed in windows; compressed and JSON inputs are read whole.
  std::optional<ReadOptions> csv_options =
      own_table ? table_read_options(input_path) : csv_read_options(input_path, workflow.ingest);
  // Trailing-window aggregates need every earlier row of a key: such models score the whole
  // input at once instead of streaming it (and a shard is cut from the scored rows).
  const bool stream = model.row_independent();
  try {
    if (csv_options && stream) {
      ReadOptions& options = *csv_options;
      options.shard_index = spec.shard_index;
      options.shard_count = spec.shard_count;
      read_csv_batches(
          options, [&](const ReadOptions& o) { return CsvReader(input_path, o, kWindowBytes); },
          [&](Table& batch, std::vector<BadRecord>& bad, const CsvReader&) {
            for (auto& record : bad) pass->bad.push_back(std::move(record));
            score(std::move(batch));
          },
          [&](const CsvReader::InferenceMismatch& mismatch) {
            // A later value did not fit the type inferred from the first window: the column is
            // declared wider and scored again from the start (what was written is discarded).
            log_info(
                "predict: a column needs a wider type; scoring again",
                {{"column", mismatch.column}, {"type", std::string(dtype_name(mismatch.widened))}});
            start_pass();
          });
    } else {
      Table table;
      if (own_table) {
        table = read_table(input_path);
      } else {
        // Options already derived above for a plain CSV; else decompressed or JSON.
        ReadResult result = csv_options ? read_csv_file(input_path, *csv_options)
                                        : read_with_schema(input_path, workflow.ingest);
        pass->bad = std::move(result.bad);
        table = std::move(result.table);
      }
      if (spec.shard_count > 1) {
        const std::vector<size_t> keep =
            shard_rows(table.num_rows(), spec.shard_index, spec.shard_count);
        score(std::move(table), &keep);
      } else {
        score(std::move(table));
      }
    }
    pass->finish_writing();
    pass->writer->commit();
  } catch (...) {
    // Predictions that were never written must not stay logged.
    if (evaluation) evaluation->discard_run(workflow.registry.model, run.run_id());
    throw;
  }
  const TableWriter& writer = *pass->writer;
  const std::vector<BadRecord>& bad = pass->bad;
  const size_t input_rows = pass->input_rows;
  record.outputs.push_back(predictions_path);
  if (!spec.output.empty()) {
    copy_file_atomic(predictions_path, spec.output);
    record.outputs.push_back(spec.output);
  }
  if (!own_table || !bad.empty()) {
    write_quarantine(bad, quarantine_path);
    record.outputs.push_back(quarantine_path);
  }
  if (!bad.empty()) {
    log_warn("predict: input records sent to quarantine",
             {{"count", static_cast<uint64_t>(bad.size())}, {"file", quarantine_path}});
  }

  const DriftAccumulator* summary = pass->report_drift ? &*pass->report_drift
                                    : pass->drift      ? &*pass->drift
                                                       : nullptr;
  if (summary) {
    write_file_atomic(
        drift_path,
        drift_summary_json(*summary, model.model_dir() + "/profile.json", input_rows).dump(2) +
            "\n");
    record.outputs.push_back(drift_path);
  }

  record.rows = writer.rows();
  record.columns = writer.schema().size();
  record.details["input_rows"] = input_rows;
  record.details["logged_for_evaluation"] = evaluation != nullptr;
  if (spec.shard_count > 1) {
    record.details["shard"] = fmt::format("{}/{}", spec.shard_index, spec.shard_count);
  }
  ContractReport builtin = pass->builtin_check.report("built-in predict");
  CheckResult count;
  count.check = "row_count";
  count.expected = fmt::format("{} (one per input row)", input_rows);
  count.observed = std::to_string(writer.rows());
  count.passed = writer.rows() == input_rows;
  builtin.checks.insert(builtin.checks.begin(), std::move(count));
  record.contracts.push_back(std::move(builtin));
  if (pass->declared) {
    record.contracts.push_back(pass->declared_check.report(pass->declared->name));
  }
  if (pass->drift) {
    record.contracts.push_back(scored_drift_report(*pass->drift, *pass->declared, input_rows));
  }
  return record;
}

}  // namespace mlops
