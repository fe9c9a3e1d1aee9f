// `mlops run --env local` on both bundled workflows, asserting on what lands in the run folder.

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

class WorkflowRun : public ::testing::Test {
 protected:
  CliResult run(const std::string& workflow) {
    return run_mlops(
        "run --env local --workflow workflows/" + workflow + " --set runs_dir=" + runs_dir(), dir_);
  }
  std::string runs_dir() const { return dir_.file("runs"); }
  TempDir dir_;
};

TEST_F(WorkflowRun, PenguinsSpeciesEndToEnd) {
  CliResult result = run("penguins-species.yaml");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  fs::path root = only_run(runs_dir());
  nlohmann::json manifest = read_json(root / "manifest.json");
  EXPECT_EQ(manifest["status"], "ok");
  EXPECT_EQ(manifest["env"], "local");
  for (const char* stage : {"ingest", "featurize", "validate", "train", "predict", "report"}) {
    ASSERT_TRUE(manifest["stages"].contains(stage)) << stage;
    EXPECT_EQ(manifest["stages"][stage]["status"], "ok") << stage;
    EXPECT_GE(manifest["stages"][stage]["seconds"].get<double>(), 0.0);
    EXPECT_GT(manifest["stages"][stage]["peak_rss_bytes"].get<double>(), 0.0);
  }
  // 344 records: one has Sex "." and is quarantined with its reason, the rest are typed.
  EXPECT_EQ(manifest["stages"]["ingest"]["rows"], 343);
  std::string quarantine = slurp(root / "ingest" / "quarantine.jsonl");
  EXPECT_EQ(count_lines(quarantine), 1u);
  nlohmann::json bad = nlohmann::json::parse(quarantine);
  EXPECT_EQ(bad["column"], "Sex");
  EXPECT_EQ(bad["value"], ".");
  EXPECT_NE(bad["reason"].get<std::string>().find("MALE, FEMALE"), std::string::npos);
  EXPECT_TRUE(manifest["stages"]["ingest"]["inputs"][0]["hash"].is_string());

  nlohmann::json metrics = read_json(root / "metrics.json");
  EXPECT_GT(metrics["accuracy"].get<double>(), 0.93);
  EXPECT_LT(metrics["logloss"].get<double>(), 0.3);
  nlohmann::json train_metrics = read_json(root / "train" / "metrics.json");
  // The linear baseline separates species well too; the trees are still more confident.
  EXPECT_EQ(train_metrics["baseline"]["model"], "softmax_regression");
  EXPECT_LT(metrics["logloss"].get<double>(), train_metrics["baseline"]["logloss"].get<double>());

  // One prediction per clean row, with the class probabilities.
  std::string predictions = slurp(root / "predict" / "predictions.csv");
  EXPECT_EQ(count_lines(predictions), 344u);  // header + 343
  EXPECT_EQ(predictions.substr(0, predictions.find('\n')),
            "id,prediction,probability_Adelie,probability_Chinstrap,"
            "probability_Gentoo,model_version,scored_at");
  EXPECT_TRUE(fs::exists(root / "train" / "model.json"));
  EXPECT_TRUE(fs::exists(root / "train" / "feature_state.json"));

  std::string report = slurp(root / "report" / "report.html");
  for (const char* stage : {"ingest", "featurize", "validate", "train", "predict"}) {
    EXPECT_NE(report.find("<td>" + std::string(stage) + "</td>"), std::string::npos) << stage;
  }
  EXPECT_NE(report.find("accuracy"), std::string::npos);
  EXPECT_NE(report.find("<svg"), std::string::npos);
  EXPECT_EQ(report.find("<script"), std::string::npos);
  EXPECT_NE(result.out.find("report/report.html"), std::string::npos);
}

TEST_F(WorkflowRun, CarsMpgRegressionEndToEnd) {
  CliResult result = run("cars-mpg.yaml");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  fs::path root = only_run(runs_dir());
  nlohmann::json manifest = read_json(root / "manifest.json");
  EXPECT_EQ(manifest["status"], "ok");
  EXPECT_EQ(manifest["stages"]["ingest"]["rows"], 406);
  EXPECT_EQ(count_lines(slurp(root / "ingest" / "quarantine.jsonl")), 0u);
  nlohmann::json metrics = read_json(root / "metrics.json");
  EXPECT_GT(metrics["r2"].get<double>(), 0.8);
  EXPECT_LT(metrics["rmse"].get<double>(), 4.0);
  nlohmann::json train_metrics = read_json(root / "train" / "metrics.json");
  EXPECT_LT(metrics["rmse"].get<double>(), train_metrics["baseline"]["rmse"].get<double>());
  // Cars without a label are not trained on but are still scored.
  EXPECT_EQ(train_metrics["train_rows"].get<int>() + train_metrics["holdout_rows"].get<int>(), 398);
  EXPECT_EQ(count_lines(slurp(root / "predict" / "predictions.csv")), 407u);
  std::string report = slurp(root / "report" / "report.html");
  EXPECT_NE(report.find("rmse"), std::string::npos);
}

TEST_F(WorkflowRun, RunWithoutWorkflowRunsEveryConfiguredWorkflow) {
  CliResult result = run_mlops("run --env local --set runs_dir=" + runs_dir(), dir_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("penguins-species"), std::string::npos);
  EXPECT_NE(result.out.find("cars-mpg"), std::string::npos);
  size_t runs = 0;
  for (const auto& entry : fs::directory_iterator(runs_dir())) runs += entry.is_directory();
  EXPECT_EQ(runs, 2u);
  EXPECT_TRUE(fs::exists(fs::path(runs_dir()) / "mlops.db"));
}

TEST_F(WorkflowRun, JsonLogsAreOneObjectPerLineWithStageTiming) {
  CliResult result = run_mlops(
      "run --env local --workflow workflows/penguins-species.yaml "
      "--log-format json --set runs_dir=" +
          runs_dir(),
      dir_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.err);
  std::string line;
  int done_lines = 0;
  while (std::getline(lines, line)) {
    nlohmann::json entry = nlohmann::json::parse(line);  // throws if not JSON
    EXPECT_TRUE(entry.contains("ts"));
    if (entry["msg"].get<std::string>().ends_with(": done") && entry.contains("seconds")) {
      EXPECT_TRUE(entry.contains("peak_rss_mb"));
      EXPECT_TRUE(entry.contains("rows"));
      ++done_lines;
    }
  }
  EXPECT_EQ(done_lines, 6);
}

}  // namespace
}  // namespace mlops::testing
