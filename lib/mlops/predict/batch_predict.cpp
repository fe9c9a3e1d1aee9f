#include "mlops/predict/batch_predict.h"

#include <fmt/format.h>

#include <filesystem>
#include <future>

#include "mlops/contracts/streaming_contract.h"
#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/io/csv/batches.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/file.h"
#include "mlops/io/quarantine.h"
#include "mlops/io/table_file.h"
#include "mlops/predict/scored_drift.h"
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

/// What one pass over the input builds; a restart (a CSV column typed too narrowly by the
/// first window) starts a fresh one.
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

}  // namespace

BatchPredictResult batch_predict(const ScoringEngine& engine, const BatchInput& input,
                                 const BatchOutputs& outputs, const BatchPredictOptions& options) {
  const PredictionLogTarget& log = options.log;
  EvaluationStore* evaluation = log.store;

  std::optional<Pass> pass;
  auto start_pass = [&] {
    pass.emplace();
    pass->writer.emplace(outputs.predictions);
    pass->declared = options.contract;
    // The report shows every feature's drift, whether or not the contract checks it; a
    // contract drift rule over every feature against the model's profile already measures it.
    const bool contract_covers_all = pass->declared && pass->declared->drift &&
                                     pass->declared->drift->columns.empty() &&
                                     pass->declared->drift->reference.empty();
    pass->drift = take_scored_drift(pass->declared, engine.model_dir());
    if (!contract_covers_all) pass->report_drift = summary_drift(engine.model_dir());
    if (evaluation) evaluation->discard_run(log.model, log.run_id);
  };
  start_pass();
  const ScoreOptions score_options{
      .id_columns = options.id_columns,
      .scored_at_micros = options.scored_at_micros,
      .keep_features = pass->drift || pass->report_drift || evaluation};
  const bool need_features = score_options.keep_features;

  // Scores a batch; with `keep`, only those rows are written (a shard of a table scored whole).
  auto score = [&](Table batch, const std::vector<size_t>* keep = nullptr) {
    const size_t batch_rows = batch.num_rows();
    ScoredBatch scored = engine.score(std::move(batch), score_options);
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
            log.model, engine.version(), log.run_id, options.scored_at_micros,
            prediction_log_rows(predictions, features, engine.features().feature_names(),
                                options.id_columns));
      }
    }
    pass->finish_writing();
    pass->writing = std::async(
        std::launch::async,
        [writer = &*pass->writer, rows = std::move(predictions)] { writer->write(rows); });
    pass->input_rows += keep ? keep->size() : batch_rows;
  };

  // Trailing-window aggregates need every earlier row of a key: such models score the whole
  // input at once instead of streaming it (and a shard is cut from the scored rows).
  const bool stream = engine.row_independent();
  try {
    if (input.csv && stream) {
      ReadOptions read_options = *input.csv;  // a restart declares a column wider in it
      read_options.shard_index = options.shard_index;
      read_options.shard_count = options.shard_count;
      read_csv_batches(
          read_options,
          [&](const ReadOptions& o) { return CsvReader(input.path, o, kWindowBytes); },
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
      ReadResult result = input.read_whole();
      pass->bad = std::move(result.bad);
      Table table = std::move(result.table);
      if (options.shard_count > 1) {
        const std::vector<size_t> keep =
            shard_rows(table.num_rows(), options.shard_index, options.shard_count);
        score(std::move(table), &keep);
      } else {
        score(std::move(table));
      }
    }
    pass->finish_writing();
    pass->writer->commit();
  } catch (...) {
    // Predictions that were never written must not stay logged. On a full disk that fails
    // too: the user must see the first error.
    try {
      if (evaluation) evaluation->discard_run(log.model, log.run_id);
    } catch (const Error& also) {
      log_warn("predict: cannot remove this run's predictions from the evaluation store",
               {{"run", log.run_id}, {"error", std::string(also.what())}});
    }
    throw;
  }
  const TableWriter& writer = *pass->writer;
  const std::vector<BadRecord>& bad = pass->bad;
  const size_t input_rows = pass->input_rows;

  BatchPredictResult result;
  result.outputs.push_back(outputs.predictions);
  if (!outputs.copy.empty()) {
    // Its folder may not exist yet (a fresh volume of the sharded Kubernetes job).
    const std::filesystem::path folder = std::filesystem::path(outputs.copy).parent_path();
    std::error_code created;
    if (!folder.empty()) std::filesystem::create_directories(folder, created);
    if (created) {
      throw IoError("cannot create the folder of predict.output '{}': {}", outputs.copy,
                    created.message());
    }
    copy_file_atomic(outputs.predictions, outputs.copy);
    result.outputs.push_back(outputs.copy);
  }
  if (outputs.quarantine_when_empty || !bad.empty()) {
    write_quarantine(bad, outputs.quarantine);
    result.outputs.push_back(outputs.quarantine);
  }
  if (!bad.empty()) {
    log_warn("predict: input records sent to quarantine",
             {{"count", static_cast<uint64_t>(bad.size())}, {"file", outputs.quarantine}});
  }

  const DriftAccumulator* summary = pass->report_drift ? &*pass->report_drift
                                    : pass->drift      ? &*pass->drift
                                                       : nullptr;
  if (summary) {
    write_file_atomic(
        outputs.drift,
        drift_summary_json(*summary, engine.model_dir() + "/profile.json", input_rows).dump(2) +
            "\n");
    result.outputs.push_back(outputs.drift);
  }

  result.input_rows = input_rows;
  result.rows = writer.rows();
  result.columns = writer.schema().size();
  result.quarantined = bad.size();
  ContractReport builtin = pass->builtin_check.report("built-in predict");
  CheckResult count;
  count.check = "row_count";
  count.expected = fmt::format("{} (one per input row)", input_rows);
  count.observed = std::to_string(writer.rows());
  count.passed = writer.rows() == input_rows;
  builtin.checks.insert(builtin.checks.begin(), std::move(count));
  result.contracts.push_back(std::move(builtin));
  if (pass->declared) {
    result.contracts.push_back(pass->declared_check.report(pass->declared->name));
  }
  if (pass->drift) {
    result.contracts.push_back(scored_drift_report(*pass->drift, *pass->declared, input_rows));
  }
  return result;
}

}  // namespace mlops
