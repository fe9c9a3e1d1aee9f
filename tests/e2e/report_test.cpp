// `mlops export-report` end to end: the HTML, Markdown and JSON of real runs, escaping of
// hostile data, stdout kept clean for $GITHUB_STEP_SUMMARY, and a size that does not grow
// with the data.

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "report_workflows.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

class Report : public ::testing::Test {
 protected:
  CliResult mlops(const std::string& args) {
    return run_mlops(args + " --set runs_dir=" + dir_.file("runs"), dir_);
  }
  TempDir dir_;
};

TEST_F(Report, EscapesHostileNamesAndValuesInEveryFormat) {
  const std::string workflow = write_hostile_workflow(dir_, "hostile");
  CliResult run = mlops("run --workflow " + workflow);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fs::path root = only_run(dir_.file("runs"));
  const nlohmann::json profile = read_json(root / "ingest" / "profile.json");
  ASSERT_EQ(profile["columns"][1]["name"], "a&b<c");

  const std::string html = slurp(root / "report" / "report.html");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b&lt;c"), std::string::npos);
  EXPECT_NE(html.find("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
  const std::string md = slurp(root / "report" / "report.md");
  EXPECT_EQ(md.find("<script"), std::string::npos);
  // JSON keeps the values as they are: it is data, not markup.
  const nlohmann::json json = read_json(root / "report" / "report.json");
  EXPECT_EQ(json["data_profile"]["columns"][2]["top"].size(), 3u);
  EXPECT_EQ(json["data_profile"]["columns"][1]["name"], "a&b<c");
}

TEST_F(Report, MarkdownAndJsonGoToStdoutAloneAndMatchTheirFiles) {
  const std::string workflow = write_flights_workflow(dir_, "flights");
  ASSERT_EQ(mlops("run --workflow " + workflow).exit_code, 0);
  const fs::path root = only_run(dir_.file("runs"));

  CliResult md = mlops("export-report --format md --workflow " + workflow);
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_EQ(md.out.rfind("## flights\n", 0), 0u) << md.out;
  EXPECT_EQ(md.out, slurp(root / "report" / "report.md"));
  EXPECT_NE(md.out.find("| auc | **"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| report | ok |"), std::string::npos);  // the earlier report stage
  EXPECT_NE(md.err.find("report: done"), std::string::npos);     // logs went to stderr

  CliResult json = mlops("export-report --format json --workflow " + workflow);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json content = nlohmann::json::parse(json.out);
  EXPECT_EQ(content, read_json(root / "report" / "report.json"));
  EXPECT_EQ(content["format"], "mlops.report/1");
  EXPECT_EQ(content["run"]["workflow"], "flights");
  EXPECT_EQ(content["model"]["metrics"].size(), 5u);  // accuracy, auc, f1, logloss, pr_auc
  EXPECT_EQ(content["data_profile"]["columns"].size(), 5u);

  CliResult html = mlops("export-report --workflow " + workflow);
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("report/report.html"), std::string::npos);
}

TEST_F(Report, WithoutWorkflowReportsTheLatestRunOfEveryConfiguredWorkflow) {
  const std::string first = write_hostile_workflow(dir_, "first");
  const std::string second = write_hostile_workflow(dir_, "second");
  dir_.write("configs/base.yaml", "workflows: [" + first + ", " + second + "]\n");
  dir_.write("configs/local.yaml", "log_format: text\n");
  const std::string config = " --config-dir " + dir_.file("configs");
  ASSERT_EQ(mlops("run" + config).exit_code, 0);
  CliResult md = mlops("export-report --format md" + config);
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_EQ(md.out.rfind("## first\n", 0), 0u) << md.out;
  EXPECT_NE(md.out.find("\n## second\n"), std::string::npos) << md.out;
  CliResult json = mlops("export-report --format json" + config);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out).size(), 2u);
  CliResult one_run = mlops("export-report --run some-id" + config);
  EXPECT_EQ(one_run.exit_code, 2);
  EXPECT_NE(one_run.err.find("--run some-id names one run, but 2 workflows are configured"),
            std::string::npos)
      << one_run.err;
}

TEST_F(Report, StaysSmallBecauseItHoldsSummariesOnly) {
  const std::string workflow = write_flights_workflow(dir_, "flights");
  ASSERT_EQ(mlops("run --workflow " + workflow).exit_code, 0);
  const fs::path root = only_run(dir_.file("runs"));
  // 3,008 rows; the summaries do not grow with rows (the 3M-row run's report is about as big).
  EXPECT_LT(fs::file_size(root / "report" / "report.html"), 100'000u);
  EXPECT_LT(fs::file_size(root / "report" / "report.json"), 100'000u);
  EXPECT_LT(fs::file_size(root / "report" / "report.md"), 5'000u);
  const std::string html = slurp(root / "report" / "report.html");
  EXPECT_NE(html.find("<section id=\"data-profile\">"), std::string::npos);
  EXPECT_NE(html.find("<b>ORD</b>"), std::string::npos);           // a top value of origin
  EXPECT_EQ(html.find("2001-01-01 05:54:00"), std::string::npos);  // no row is copied
}

}  // namespace
}  // namespace mlops::testing
