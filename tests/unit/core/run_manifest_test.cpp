#include "mlops/core/run_manifest.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

using nlohmann::json;

// The shape pipeline/run_context.cpp writes.
json written_manifest() {
  return json::parse(R"({
    "run_id": "20261122T100000Z-flights-ab12", "workflow": "flights",
    "workflow_file": "workflows/flights.yaml", "env": "local", "mlops_version": "0.1.0",
    "config_hash": "xxh128:c0", "started_at": "2026-11-22T10:00:00Z",
    "started_at_us": 1795341600000000, "status": "running",
    "updated_at": "2026-11-22T10:00:03Z",
    "stages": {
      "train": {"status": "ok", "finished_at": "2026-11-22T10:00:03Z", "seconds": 2.5,
                "peak_rss_bytes": 104857600, "rows": 3008, "columns": 12,
                "inputs": [{"path": "runs/r/featurize/features.csv", "hash": "xxh128:f1"}],
                "outputs": [{"path": "runs/r/train/model.json"}],
                "contracts": [], "details": {"holdout": {"auc": 0.7}}},
      "ingest": {"status": "failed", "seconds": 0.25, "peak_rss_bytes": 1, "rows": 0,
                 "columns": 0, "inputs": [], "outputs": [], "contracts": [{"contract": "c"}],
                 "details": {}, "error": "no such file"}
    }})");
}

TEST(RunManifest, ReadsEveryRunField) {
  const RunManifest run = read_run_manifest(written_manifest());
  EXPECT_EQ(run.run_id, "20261122T100000Z-flights-ab12");
  EXPECT_EQ(run.workflow, "flights");
  EXPECT_EQ(run.workflow_file, "workflows/flights.yaml");
  EXPECT_EQ(run.env, "local");
  EXPECT_EQ(run.mlops_version, "0.1.0");
  EXPECT_EQ(run.config_hash, "xxh128:c0");
  EXPECT_EQ(run.started_at, "2026-11-22T10:00:00Z");
  EXPECT_EQ(run.started_at_us, int64_t{1795341600000000});
  EXPECT_EQ(run.updated_at, "2026-11-22T10:00:03Z");
  EXPECT_EQ(run.status, "running");
}

TEST(RunManifest, ReadsEachStageEntryTyped) {
  const RunManifest run = read_run_manifest(written_manifest());
  const StageManifest* train = run.stage(Stage::kTrain);
  ASSERT_NE(train, nullptr);
  EXPECT_EQ(train->status, "ok");
  EXPECT_EQ(train->finished_at, "2026-11-22T10:00:03Z");
  EXPECT_EQ(train->seconds, 2.5);
  EXPECT_EQ(train->peak_rss_bytes, uint64_t{104857600});
  EXPECT_EQ(train->rows, uint64_t{3008});
  EXPECT_EQ(train->columns, uint64_t{12});
  ASSERT_EQ(train->inputs.size(), 1u);
  EXPECT_EQ(train->inputs[0].path, "runs/r/featurize/features.csv");
  EXPECT_EQ(train->inputs[0].hash, "xxh128:f1");
  ASSERT_EQ(train->outputs.size(), 1u);
  EXPECT_EQ(train->outputs[0].hash, std::nullopt);  // the file did not exist when recorded
  EXPECT_EQ(train->details["holdout"]["auc"], 0.7);
  EXPECT_EQ(train->error, std::nullopt);

  const StageManifest* ingest = run.stage(Stage::kIngest);
  ASSERT_NE(ingest, nullptr);
  EXPECT_EQ(ingest->error, "no such file");
  EXPECT_EQ(ingest->contracts, json::parse(R"([{"contract": "c"}])"));
}

TEST(RunManifest, ListsRecordedStagesInWorkflowOrder) {
  const RunManifest run = read_run_manifest(written_manifest());
  std::vector<Stage> order;
  for (const auto& [stage, entry] : run.stages) order.push_back(stage);
  EXPECT_EQ(order, (std::vector<Stage>{Stage::kIngest, Stage::kTrain}));
  EXPECT_EQ(run.stage(Stage::kBatchPredict), nullptr);
}

TEST(RunManifest, BatchPredictIsReadFromThePredictKey) {
  json manifest = written_manifest();
  manifest["stages"]["predict"] = {{"status", "ok"}};
  manifest["stages"]["unknown_stage"] = {{"status", "ok"}};
  const RunManifest run = read_run_manifest(manifest);
  ASSERT_NE(run.stage(Stage::kBatchPredict), nullptr);
  EXPECT_EQ(run.stages.size(), 3u);  // a key that names no stage is ignored
}

TEST(RunManifest, MissingOrMistypedValuesAreAbsentNotErrors) {
  const RunManifest run = read_run_manifest(json::parse(R"({
    "run_id": 7, "status": null,
    "stages": {"ingest": {"seconds": "slow", "rows": -1, "inputs": "x"}, "train": 3}})"));
  EXPECT_EQ(run.run_id, std::nullopt);
  EXPECT_EQ(run.status, std::nullopt);
  EXPECT_EQ(run.updated_at, std::nullopt);
  const StageManifest* ingest = run.stage(Stage::kIngest);
  ASSERT_NE(ingest, nullptr);
  EXPECT_EQ(ingest->seconds, std::nullopt);
  EXPECT_EQ(ingest->rows, std::nullopt);
  EXPECT_TRUE(ingest->inputs.empty());
  EXPECT_EQ(ingest->contracts, json::array());
  EXPECT_TRUE(ingest->details.is_null());
  EXPECT_EQ(run.stage(Stage::kTrain), nullptr);  // not an object: not a recorded stage
  EXPECT_TRUE(read_run_manifest(json()).stages.empty());
}

TEST(StageNames, EveryStageRoundTripsThroughItsName) {
  std::vector<std::string> names;
  for (Stage stage : all_stages()) {
    names.emplace_back(stage_name(stage));
    EXPECT_EQ(parse_stage(stage_name(stage)), stage);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"ingest", "featurize", "validate", "train", "predict",
                                             "report"}));
  EXPECT_EQ(parse_stage("batch-predict"), std::nullopt);
}

}  // namespace
}  // namespace mlops
