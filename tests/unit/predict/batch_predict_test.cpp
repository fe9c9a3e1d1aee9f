#include "mlops/predict/batch_predict.h"

#include <gtest/gtest.h>

#include <sstream>

#include "mlops/contracts/drift_reference.h"
#include "mlops/core/error.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/table_file.h"
#include "mlops/store/evaluation_store.h"
#include "mlops/store/sqlite/sqlite_stores.h"
#include "model_bundle.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::Objective;
using testing::raw_rows;
using testing::TempDir;
using testing::write_model_bundle;

constexpr int64_t kScoredAt = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

/// A trained binary model in model/ and 300 new rows (typed by a sidecar) in input.csv.
struct Fixture {
  TempDir dir;
  std::string input = dir.file("input.csv");
  ScoringEngine engine = load();

  ScoringEngine load() {
    write_model_bundle(dir.file("model"), Objective::kBinary);
    write_table(raw_rows(Objective::kBinary, 300, 77), input);
    return ScoringEngine::load(dir.file("model"), "v1");
  }
  /// The input as a run's table: streamed as its sidecar types it.
  BatchInput streamed() const {
    return {.path = input, .csv = table_read_options(input), .read_whole = [path = input] {
              ReadResult result;
              result.table = read_table(path);
              return result;
            }};
  }
  /// The same input read whole (as a compressed or JSON file is).
  BatchInput whole() const {
    BatchInput in = streamed();
    in.csv.reset();
    return in;
  }
  BatchOutputs outputs(const std::string& name) const {
    return {.predictions = dir.file(name + ".csv"),
            .copy = "",
            .drift = dir.file(name + "-drift.json"),
            .quarantine = dir.file(name + "-quarantine.jsonl"),
            .quarantine_when_empty = false};
  }
  /// What the predictions file of scoring every input row at once holds.
  std::string expected_file(const BatchPredictOptions& options) const {
    const Table predictions =
        engine
            .score(read_table(input),
                   {.id_columns = options.id_columns, .scored_at_micros = options.scored_at_micros})
            .predictions;
    write_table(predictions, dir.file("expected.csv"));
    return dir.read("expected.csv");
  }
};

BatchPredictOptions options_with_id() {
  BatchPredictOptions options;
  options.id_columns = {"id"};
  options.scored_at_micros = kScoredAt;
  return options;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(BatchPredict, WritesEveryInputRowsPredictionInInputOrder) {
  Fixture f;
  const BatchPredictOptions options = options_with_id();
  const BatchPredictResult result =
      batch_predict(f.engine, f.streamed(), f.outputs("predictions"), options);
  EXPECT_EQ(result.input_rows, 300u);
  EXPECT_EQ(result.rows, 300u);
  EXPECT_EQ(result.columns, 5u);
  EXPECT_EQ(result.quarantined, 0u);
  // No profile, no contract: no drift file; no bad record: no quarantine file.
  EXPECT_EQ(result.outputs, std::vector<std::string>{f.dir.file("predictions.csv")});
  const std::string written = f.dir.read("predictions.csv");
  EXPECT_EQ(lines(written).at(0), "id,prediction,probability,model_version,scored_at");
  EXPECT_EQ(written, f.expected_file(options));
  // The built-in contract: one prediction per input row, first.
  ASSERT_FALSE(result.contracts.empty());
  EXPECT_EQ(result.contracts[0].contract, "built-in predict");
  EXPECT_EQ(result.contracts[0].checks.at(0).check, "row_count");
  EXPECT_TRUE(result.contracts[0].checks.at(0).passed);
}

TEST(BatchPredict, InputReadWholeWritesTheSameFileAsStreamed) {
  Fixture f;
  const BatchPredictOptions options = options_with_id();
  batch_predict(f.engine, f.whole(), f.outputs("predictions"), options);
  EXPECT_EQ(f.dir.read("predictions.csv"), f.expected_file(options));
}

TEST(BatchPredict, StreamedShardsConcatenateToTheWholeInputsPredictions) {
  Fixture f;
  BatchPredictOptions options = options_with_id();
  const std::vector<std::string> whole = lines(f.expected_file(options));
  std::vector<std::string> joined = {whole.at(0)};
  size_t rows = 0;
  options.shard_count = 3;
  for (size_t shard = 0; shard < 3; ++shard) {
    options.shard_index = shard;
    const std::string name = "predictions-" + std::to_string(shard) + "-of-3";
    const BatchPredictResult result =
        batch_predict(f.engine, f.streamed(), f.outputs(name), options);
    EXPECT_GT(result.input_rows, 50u) << "shard " << shard;
    rows += result.input_rows;
    const std::vector<std::string> part = lines(f.dir.read(name + ".csv"));
    EXPECT_EQ(part.at(0), whole.at(0));
    joined.insert(joined.end(), part.begin() + 1, part.end());
  }
  EXPECT_EQ(rows, 300u);
  EXPECT_EQ(joined, whole);
}

TEST(BatchPredict, ShardOfAnInputReadWholeIsItsContiguousRows) {
  Fixture f;
  BatchPredictOptions options = options_with_id();
  options.shard_index = 1;
  options.shard_count = 3;
  const BatchPredictResult result =
      batch_predict(f.engine, f.whole(), f.outputs("predictions-1-of-3"), options);
  EXPECT_EQ(result.input_rows, 100u);
  const std::vector<std::string> whole = lines(f.expected_file(options));
  std::vector<std::string> expected = {whole.at(0)};
  expected.insert(expected.end(), whole.begin() + 101, whole.begin() + 201);  // rows 100..199
  EXPECT_EQ(lines(f.dir.read("predictions-1-of-3.csv")), expected);
}

TEST(BatchPredict, RecordsThatCannotBeTypedGoToQuarantine) {
  Fixture f;
  const std::string input = f.dir.write("new.csv",
                                        "id,signal,noise,color\n"
                                        "1,0.9,0.1,red\n"
                                        "2,not a number,0.2,blue\n"
                                        "3,0.1,,green\n");
  ReadOptions read;
  read.source_name = input;
  read.declared = {{"id", DType::kInt64, {}},
                   {"signal", DType::kFloat64, {}},
                   {"noise", DType::kFloat64, {}},
                   {"color", DType::kString, {}}};
  const BatchInput in{.path = input, .csv = read, .read_whole = nullptr};
  BatchOutputs outputs = f.outputs("predictions");
  outputs.quarantine_when_empty = true;
  outputs.copy = f.dir.file("copy.csv");
  const BatchPredictResult result = batch_predict(f.engine, in, outputs, options_with_id());
  EXPECT_EQ(result.input_rows, 2u);
  EXPECT_EQ(result.rows, 2u);
  EXPECT_EQ(result.quarantined, 1u);
  EXPECT_EQ(result.outputs,
            (std::vector<std::string>{outputs.predictions, outputs.copy, outputs.quarantine}));
  const std::vector<std::string> quarantined = lines(f.dir.read("predictions-quarantine.jsonl"));
  ASSERT_EQ(quarantined.size(), 1u);
  EXPECT_NE(quarantined[0].find("not a number"), std::string::npos) << quarantined[0];
  const std::vector<std::string> predicted = lines(f.dir.read("predictions.csv"));
  ASSERT_EQ(predicted.size(), 3u);
  EXPECT_EQ(predicted[1].substr(0, 2), "1,");
  EXPECT_EQ(predicted[2].substr(0, 2), "3,");
  EXPECT_EQ(f.dir.read("copy.csv"), f.dir.read("predictions.csv"));
}

TEST(BatchPredict, LogsEveryPredictionForEvaluationAndReplacesTheRunsEarlierLog) {
  Fixture f;
  std::unique_ptr<EvaluationStore> store = open_sqlite_evaluation_store(f.dir.file("store.db"));
  BatchPredictOptions options = options_with_id();
  options.log = {.store = store.get(), .model = "demo", .run_id = "run-1"};
  batch_predict(f.engine, f.streamed(), f.outputs("predictions"), options);
  EXPECT_EQ(store->logged_count("demo"), 300);
  // The same run scoring again replaces what it logged.
  batch_predict(f.engine, f.streamed(), f.outputs("predictions"), options);
  EXPECT_EQ(store->logged_count("demo"), 300);
}

TEST(BatchPredict, FailedScoringLeavesNothingLoggedAndNoPredictionsFile) {
  Fixture f;
  std::unique_ptr<EvaluationStore> store = open_sqlite_evaluation_store(f.dir.file("store.db"));
  const std::string input = f.dir.write("new.csv", "id,noise,color\n1,0.1,red\n");
  ReadOptions read;
  read.source_name = input;
  const BatchInput in{.path = input, .csv = read, .read_whole = nullptr};
  BatchPredictOptions options = options_with_id();
  options.log = {.store = store.get(), .model = "demo", .run_id = "run-1"};
  EXPECT_THROW(batch_predict(f.engine, in, f.outputs("predictions"), options), DataError);
  EXPECT_EQ(store->logged_count("demo"), 0);
  EXPECT_EQ(f.dir.read("predictions.csv"), "");
}

/// Saves model/profile.json, the training features' profile, as train does.
void save_training_profile(const Fixture& f) {
  const FeaturePipeline& pipeline = f.engine.features();
  const Table training = pipeline.transform(raw_rows(Objective::kBinary, 400));
  std::vector<size_t> rows(training.num_rows());
  for (size_t row = 0; row < rows.size(); ++row) rows[row] = row;
  save_drift_reference(drift_reference_of_columns(training, pipeline.feature_names(), rows),
                       f.dir.file("model/profile.json"));
}

TEST(BatchPredict, DriftOfEveryScoredFeatureAgainstTheModelsProfile) {
  Fixture f;
  save_training_profile(f);
  const BatchOutputs outputs = f.outputs("predictions");
  const BatchPredictResult result =
      batch_predict(f.engine, f.streamed(), outputs, options_with_id());
  EXPECT_EQ(result.outputs, (std::vector<std::string>{outputs.predictions, outputs.drift}));
  const nlohmann::json drift = nlohmann::json::parse(f.dir.read("predictions-drift.json"));
  EXPECT_EQ(drift["reference"], f.dir.file("model/profile.json"));
  EXPECT_EQ(drift["rows"], 300);
  std::vector<std::string> features;
  for (const auto& feature : drift["features"]) {
    features.push_back(feature["feature"]);
    EXPECT_TRUE(feature["psi"].is_number()) << feature.dump();
    EXPECT_NE(feature["status"], "missing") << feature.dump();
    EXPECT_EQ(feature["null_rate"], feature["train_null_rate"]) << feature.dump();
  }
  std::vector<std::string> expected = f.engine.features().feature_names();
  std::sort(features.begin(), features.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(features, expected);
  // No contract: only the built-in one is reported.
  ASSERT_EQ(result.contracts.size(), 1u);
}

TEST(BatchPredict, ContractDriftSectionChecksTheScoredFeatures) {
  Fixture f;
  save_training_profile(f);
  BatchPredictOptions options = options_with_id();
  Contract contract{.name = "contracts.predict"};
  contract.columns.push_back({.column = "prediction", .nullable = false});
  contract.drift.emplace();
  contract.drift->severity = Severity::kWarn;
  contract.drift->thresholds.null_rate_change = 0.05;  // every ninth noise is null in both
  options.contract = contract;
  const BatchPredictResult result =
      batch_predict(f.engine, f.streamed(), f.outputs("predictions"), options);
  ASSERT_EQ(result.contracts.size(), 3u);
  EXPECT_EQ(result.contracts[1].contract, "contracts.predict");
  EXPECT_EQ(result.contracts[2].contract, "contracts.predict (drift of scored features)");
  EXPECT_EQ(result.contracts[2].rows, 300u);
  ASSERT_EQ(result.contracts[2].checks.size(), f.engine.features().feature_names().size());
  for (const auto& check : result.contracts[2].checks) EXPECT_TRUE(check.passed) << check.column;
  // The declared contract's drift over every feature is the report's summary as well.
  EXPECT_NE(f.dir.read("predictions-drift.json"), "");
}

}  // namespace
}  // namespace mlops
