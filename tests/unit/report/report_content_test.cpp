#include "mlops/report/report_content.h"

#include <gtest/gtest.h>

#include "mlops/core/error.h"
#include "report_fixtures.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using nlohmann::json;
using testing::fixture_inputs;

const json* find_metric(const json& content, const std::string& name) {
  for (const auto& metric : content["model"]["metrics"]) {
    if (metric["name"] == name) return &metric;
  }
  return nullptr;
}

TEST(ReportContent, SetsMetricsAgainstBaselineAndPreviousChampion) {
  const json content = build_report_content(fixture_inputs(), "t");
  EXPECT_EQ(content["format"], "mlops.report/1");
  // train/metrics.json wins over the manifest's copy.
  EXPECT_EQ(content["model"]["baseline_model"], "logistic_regression");
  const json* auc = find_metric(content, "auc");
  ASSERT_NE(auc, nullptr);
  EXPECT_DOUBLE_EQ((*auc)["value"].get<double>(), 0.71);
  EXPECT_DOUBLE_EQ((*auc)["baseline"].get<double>(), 0.62);
  EXPECT_DOUBLE_EQ((*auc)["champion"].get<double>(), 0.68);
  EXPECT_FALSE((*auc)["lower_is_better"].get<bool>());
  EXPECT_TRUE((*find_metric(content, "logloss"))["lower_is_better"].get<bool>());
  EXPECT_EQ(content["model"]["cv"][0]["folds"].size(), 3u);
  EXPECT_EQ(content["registry"]["previous_champion_version"], 2);
  EXPECT_EQ(content["registry"]["gate"]["passed"], true);
}

TEST(ReportContent, FallsBackToTheManifestForRunsWithoutMetricsFile) {
  ReportInputs inputs;
  inputs.manifest = read_run_manifest(testing::fixture_manifest());
  const json content = build_report_content(inputs, "t");
  EXPECT_EQ(content["model"]["baseline_model"], "prior");
  EXPECT_DOUBLE_EQ((*find_metric(content, "auc"))["value"].get<double>(), 0.70);
  EXPECT_EQ(content["importance"][0]["feature"], "from_manifest");
  // Absent files leave their sections out.
  for (const char* section : {"curve", "evaluation", "data_profile", "drift"}) {
    EXPECT_TRUE(content[section].is_null()) << section;
  }
}

TEST(ReportContent, CountsChecksByResultInPipelineOrder) {
  const json content = build_report_content(fixture_inputs(), "t");
  const json& contracts = content["contracts"];
  EXPECT_EQ(contracts["total"], 6);
  EXPECT_EQ(contracts["passed"], 4);
  EXPECT_EQ(contracts["warnings"], 1);
  EXPECT_EQ(contracts["failed"], 1);
  EXPECT_EQ(contracts["checks"][0]["stage"], "ingest");
  EXPECT_EQ(contracts["checks"][5]["stage"], "predict");
  EXPECT_EQ(contracts["checks"][5]["result"], "failed");
  EXPECT_EQ(contracts["checks"][1]["examples"][0]["row"], 3);
  std::vector<std::string> order;
  for (const auto& stage : content["stages"]) order.push_back(stage["name"]);
  EXPECT_EQ(order,
            (std::vector<std::string>{"ingest", "featurize", "validate", "train", "predict"}));
  EXPECT_DOUBLE_EQ(content["stages"][0]["peak_rss_mib"].get<double>(), 2.0);
}

TEST(ReportContent, ShowsTheRunAsOkWhileItsReportIsWritten) {
  const json content = build_report_content(fixture_inputs(), "t");
  EXPECT_EQ(content["run"]["status"], "ok");  // every stage before the report succeeded
  ReportInputs partial = fixture_inputs();
  partial.manifest.stages.erase(Stage::kBatchPredict);
  EXPECT_EQ(build_report_content(partial, "t")["run"]["status"], "running");
}

TEST(ReportContent, PairsCurvesByRoundAndEvaluationPoints) {
  const json content = build_report_content(fixture_inputs(), "t");
  const json& curve = content["curve"];
  EXPECT_EQ(curve["best_round"], 3);
  ASSERT_EQ(curve["series"].size(), 2u);
  EXPECT_EQ(curve["series"][1]["name"], "validation");
  EXPECT_EQ(curve["series"][0]["points"][0], json::parse("[1, 0.6]"));
  EXPECT_EQ(curve["series"][0]["points"].size(), 4u);
  const json& evaluation = content["evaluation"];
  EXPECT_EQ(evaluation["task"], "binary");
  EXPECT_EQ(evaluation["roc"][1], json::parse("[0.1, 0.5]"));
  EXPECT_EQ(evaluation["pr"][2], json::parse("[1, 0.2]"));
  EXPECT_EQ(evaluation["confusion"]["matrix"][1][1], 38);  // evaluation.json over metrics.json
}

TEST(ReportContent, ReadsHoldoutCurvesAndRegressionPlots) {
  ReportInputs inputs = fixture_inputs();
  inputs.curve = json::parse(R"({"metric": "rmse", "train": [3, 2], "holdout": [3.5, 2.5]})");
  inputs.evaluation = testing::fixture_regression_evaluation();
  const json content = build_report_content(inputs, "t");
  EXPECT_EQ(content["curve"]["series"][1]["name"], "holdout");
  EXPECT_EQ(content["evaluation"]["task"], "regression");
  EXPECT_EQ(content["evaluation"]["predicted_vs_actual"][2], json::parse("[30, 33]"));
  EXPECT_EQ(content["evaluation"]["residuals"]["counts"].size(), 3u);
}

TEST(ReportContent, TakesAMulticlassConfusionMatrixFromMetricsWhenNoEvaluationFile) {
  ReportInputs inputs = fixture_inputs();
  inputs.evaluation = nullptr;
  const json content = build_report_content(inputs, "t");
  EXPECT_EQ(content["evaluation"]["task"], "multiclass");
  EXPECT_EQ(content["evaluation"]["confusion"]["matrix"][0][0], 400);
}

TEST(ReportContent, ThinsLongSeriesKeepingTheirEnds) {
  ReportInputs inputs = fixture_inputs();
  json fpr = json::array(), tpr = json::array();
  for (int i = 0; i <= 100000; ++i) {
    fpr.push_back(i / 100000.0);
    tpr.push_back(i / 100000.0);
  }
  inputs.evaluation = {{"roc", {{"fpr", fpr}, {"tpr", tpr}}}};
  const json roc = build_report_content(inputs, "t")["evaluation"]["roc"];
  EXPECT_LE(roc.size(), kReportCurvePoints + 1);
  EXPECT_GE(roc.size(), kReportCurvePoints / 2);
  EXPECT_EQ(roc.front(), json::parse("[0.0, 0.0]"));
  EXPECT_EQ(roc.back(), json::parse("[1.0, 1.0]"));
}

TEST(ReportContent, SortsDriftByPsiAndCountsStatuses) {
  const json drift = build_report_content(fixture_inputs(), "t")["drift"];
  EXPECT_EQ(drift["features"][0]["feature"], "date_month");
  EXPECT_EQ(drift["features"][2]["feature"], "distance");
  EXPECT_EQ(drift["counts"], json::parse(R"({"ok": 1, "warn": 1, "drift": 1})"));
}

TEST(ReportContent, LeavesOutWhatDoesNotHaveTheExpectedShape) {
  ReportInputs inputs = fixture_inputs();
  inputs.curve = json::parse(R"({"metric": "logloss", "train": "not a list"})");
  inputs.evaluation = json::parse(
      R"({"residuals": {"edges": [0, 1], "counts": [1, 2]}, "confusion": {"labels": ["a"]}})");
  inputs.metrics.erase("confusion");
  inputs.drift = json::parse(R"({"features": [{"feature": 3, "psi": "high", "status": null}]})");
  inputs.data_profile = json::parse(R"({"columns": [{"name": "x", "histogram": {"edges": [1]}}]})");
  const json content = build_report_content(inputs, "t");
  EXPECT_TRUE(content["curve"].is_null());
  EXPECT_TRUE(content["evaluation"].is_null());
  EXPECT_EQ(content["drift"]["features"][0]["feature"], "");
  EXPECT_TRUE(content["drift"]["features"][0]["psi"].is_null());
  EXPECT_FALSE(content["data_profile"]["columns"][0].contains("histogram"));
}

TEST(ReportInputsLoad, ReadsTheFilesThatExistAndNamesOneThatIsNotJson) {
  testing::TempDir dir;
  dir.write("train/curve.json", testing::fixture_curve().dump());
  dir.write("predict/drift.json", testing::fixture_drift().dump());
  ReportInputs inputs = load_report_inputs(dir.path().string(), testing::fixture_manifest());
  EXPECT_EQ(inputs.curve["best_round"], 3);
  EXPECT_EQ(inputs.drift["rows"], 3008);
  EXPECT_TRUE(inputs.evaluation.is_null());
  EXPECT_EQ(inputs.files.size(), 2u);

  dir.write("train/evaluation.json", "{not json");
  try {
    load_report_inputs(dir.path().string(), json::object());
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("train/evaluation.json: not JSON"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace mlops
