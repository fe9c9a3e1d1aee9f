// The feature language end to end on real flights (tests/fixtures): a label expression, a
// point-in-time aggregate and target encoding through featurize, validate, train and
// batch-predict (with a declared train contract); then June scored against a model trained on
// January, where the drift check of the scored features fires.

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

std::string flights_workflow(const std::string& predict_input, const std::string& severity) {
  const std::string fixtures = MLOPS_SOURCE_DIR "/tests/fixtures/";
  return R"(name: flight-drift
ingest:
  source: {type: file, path: ")" +
         fixtures + R"(flights-2001-01.csv"}
  schema: {date: timestamp, delay: int64, distance: int64, origin: string, destination: string}
featurize:
  transforms:
    - {type: window_aggregate, key: origin, time: date, column: delay, window: 7d, functions: [count, mean]}
    - {type: datetime_parts, column: date, parts: [hour, day_of_week, month, day_of_year]}
    - {type: log1p, column: distance, name: log_distance}
    - {type: target_encode, column: origin, name: origin_delay_rate, folds: 5}
    - {type: category_codes, columns: [origin, destination], k: 20}
  label: {name: delayed, expr: "delay > 15"}
train:
  objective: binary:logistic
  rounds: 20
  split: {type: random, holdout: 0.25}
  params: {max_depth: 4, eta: 0.3, nthread: 1}
predict:
  input: ")" +
         fixtures + predict_input + R"("
contracts:
  featurize:
    forbidden: [delay]
    columns:
      origin_delay_7d_count: {dtype: int64, min: 0}
      origin_delay_rate: {min: 0, max: 1}
  train:
    columns:
      __split: {min: 0, max: 1}
    drift: {psi: 0.25, severity: error}
  predict:
    drift: {psi: 0.25, severity: )" +
         severity + R"(}
)";
}

const nlohmann::json* find_flights_check(const nlohmann::json& stage, const std::string& check,
                                 const std::string& column) {
  for (const auto& report : stage["contracts"]) {
    for (const auto& entry : report["checks"]) {
      if (entry["check"] == check && entry["column"] == column) return &entry;
    }
  }
  return nullptr;
}

class FeaturesFlights : public ::testing::Test {
 protected:
  CliResult run(const std::string& predict_input, const std::string& severity) {
    std::string workflow = dir_.write("flights.yaml", flights_workflow(predict_input, severity));
    return run_mlops("run --workflow " + workflow + " --set runs_dir=" + dir_.file("runs"), dir_);
  }
  TempDir dir_;
};

TEST_F(FeaturesFlights, LabelExpressionTrainsWithoutItsSourceColumn) {
  CliResult result = run("flights-2001-01.csv", "error");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  fs::path root = only_run(dir_.file("runs"));
  const std::string header = slurp(root / "featurize" / "features.csv").substr(0, 200);
  EXPECT_EQ(header.substr(0, header.find('\n')),
            "distance,origin,destination,origin_delay_7d_count,origin_delay_7d_mean,date_hour,"
            "date_day_of_week,date_month,date_day_of_year,log_distance,origin_delay_rate,delayed,"
            "__split");
  nlohmann::json state = read_json(root / "train" / "feature_state.json");
  EXPECT_EQ(state["label"]["expr"], "delay > 15");
  EXPECT_EQ(state["label"]["classes"], nlohmann::json::parse(R"(["false", "true"])"));
  nlohmann::json manifest = read_json(root / "manifest.json");
  const nlohmann::json* source =
      find_flights_check(manifest["stages"]["validate"], "no_label_source", "delay");
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE((*source)["passed"].get<bool>());
  const nlohmann::json* classes =
      find_flights_check(manifest["stages"]["validate"], "training_classes", "delayed");
  ASSERT_NE(classes, nullptr);
  EXPECT_TRUE((*classes)["passed"].get<bool>());
  EXPECT_TRUE(fs::exists(root / "train" / "profile.json"));
  // The declared train contract sees the whole feature table (training frees it), after the
  // built-in checks; its drift checks compare with the training rows' profile.
  const nlohmann::json& train_reports = manifest["stages"]["train"]["contracts"];
  ASSERT_EQ(train_reports.size(), 2u);
  EXPECT_EQ(train_reports[0]["contract"], "built-in train");
  EXPECT_EQ(train_reports[1]["contract"], "contracts.train");
  const nlohmann::json* split = find_flights_check(manifest["stages"]["train"], "max", "__split");
  ASSERT_NE(split, nullptr);
  EXPECT_TRUE((*split)["passed"].get<bool>());
  const nlohmann::json* hour = find_flights_check(manifest["stages"]["train"], "drift_psi", "date_hour");
  ASSERT_NE(hour, nullptr);
  EXPECT_TRUE((*hour)["passed"].get<bool>());
  // Scoring the training month: no drift, and a "true"/"false" prediction per row.
  const nlohmann::json* month =
      find_flights_check(manifest["stages"]["predict"], "drift_psi", "date_month");
  ASSERT_NE(month, nullptr);
  EXPECT_TRUE((*month)["passed"].get<bool>());
  EXPECT_EQ(count_lines(slurp(root / "predict" / "predictions.csv")), 3009u);
  EXPECT_GT(read_json(root / "metrics.json")["auc"].get<double>(), 0.6);
}

TEST_F(FeaturesFlights, ScoringJuneWithAJanuaryModelFiresTheDriftCheck) {
  CliResult result = run("flights-2001-06.csv", "error");
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("stage predict: check drift_psi on column 'date_month' failed: "
                            "expected <= 0.25, observed "),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("check drift_psi on column 'date_day_of_year' failed"),
            std::string::npos)
      << result.err;
  fs::path root = only_run(dir_.file("runs"));
  nlohmann::json manifest = read_json(root / "manifest.json");
  EXPECT_EQ(manifest["stages"]["predict"]["status"], "contract_failed");
  EXPECT_NE(manifest.dump().find("(drift of scored features)"), std::string::npos);
  // Distance did not drift between the months.
  const nlohmann::json* distance =
      find_flights_check(manifest["stages"]["predict"], "drift_psi", "distance");
  ASSERT_NE(distance, nullptr);
  EXPECT_TRUE((*distance)["passed"].get<bool>());
}

TEST_F(FeaturesFlights, DriftAsAWarningIsReportedAndTheRunGoesOn) {
  CliResult result = run("flights-2001-06.csv", "warn");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("check drift_psi on column 'date_month' failed"), std::string::npos)
      << result.err;
  fs::path root = only_run(dir_.file("runs"));
  const std::string report = slurp(root / "report" / "report.html");
  EXPECT_NE(report.find("drift_psi"), std::string::npos);
}

}  // namespace
}  // namespace mlops::testing
