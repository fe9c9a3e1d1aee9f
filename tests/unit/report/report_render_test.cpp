#include "mlops/report/report_render.h"

#include <gtest/gtest.h>

#include "mlops/report/report_content.h"
#include "report_fixtures.h"

namespace mlops {
namespace {

using nlohmann::json;

json full_content(const std::string& title = "Flights <report>") {
  return build_report_content(testing::fixture_inputs(), title);
}

TEST(ReportHtml, EscapesEveryValueTakenFromData) {
  const std::string html = render_report_html(full_content());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>true</b>"), std::string::npos);
  // The category value (data profile), the check's column and the title, escaped.
  EXPECT_GE(testing::count_of(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 2u);
  EXPECT_NE(html.find("<title>Flights &lt;report&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b&lt;c"), std::string::npos);             // column name
  EXPECT_NE(html.find("dep&lt;hour&gt;"), std::string::npos);          // feature in the SVG chart
  EXPECT_NE(html.find("x&lt;y"), std::string::npos);                   // drifted feature
  EXPECT_NE(html.find("flights&lt;&amp;&gt;"), std::string::npos);     // registered model name
  EXPECT_NE(html.find("data/in&lt;1&gt;.csv"), std::string::npos);     // lineage path
  EXPECT_NE(html.find("&lt;b&gt;true&lt;/b&gt;"), std::string::npos);  // class label
}

TEST(ReportHtml, HasEverySectionWithChartsAndNoScript) {
  const std::string html = render_report_html(full_content());
  for (const char* id : {"run", "model", "training-curve", "evaluation", "feature-importance",
                         "drift", "data-profile", "stages", "contracts"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
    EXPECT_NE(html.find(std::string("href=\"#") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("aria-label=\"ROC curve\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Precision-recall curve\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Confusion matrix (holdout)\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Training curve (logloss)\""), std::string::npos);
  EXPECT_NE(html.find("best round 3"), std::string::npos);
  EXPECT_NE(html.find("previous champion (v2)"), std::string::npos);
  EXPECT_NE(html.find("baseline (logistic_regression)"), std::string::npos);
  EXPECT_NE(html.find("Promotion gate on <b>auc</b>: <span class=\"ok\">passed</span>"),
            std::string::npos);
  EXPECT_NE(html.find("2001-01-01 00:01:00"), std::string::npos);  // timestamp min as a date
  EXPECT_NE(html.find("8 (0.3%)"), std::string::npos);             // nulls with their share
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // The only URL is the SVG namespace: nothing is fetched.
  EXPECT_EQ(testing::count_of(html, "http"), testing::count_of(html, "http://www.w3.org/2000/svg"));
}

TEST(ReportHtml, ColorsDifferencesByWhetherTheMetricImproved) {
  const std::string html = render_report_html(full_content());
  // auc 0.71 vs baseline 0.62: higher is better; logloss 0.49 vs 0.55: lower is better.
  EXPECT_NE(html.find(R"(<td class="num better">+0.09</td>)"), std::string::npos);
  EXPECT_NE(html.find(R"(<td class="num better">-0.06</td>)"), std::string::npos);
  EXPECT_EQ(testing::count_of(html, "worse"), 1u);  // only the style rule
}

TEST(ReportHtml, ShowsRegressionPlots) {
  ReportInputs inputs = testing::fixture_inputs();
  inputs.evaluation = testing::fixture_regression_evaluation();
  const std::string html = render_report_html(build_report_content(inputs, "t"));
  EXPECT_NE(html.find("aria-label=\"Predicted vs actual (holdout)\""), std::string::npos);
  EXPECT_EQ(testing::count_of(html, "<circle"), 3u);
  EXPECT_NE(html.find("aria-label=\"Residuals (actual - predicted)\""), std::string::npos);
  EXPECT_EQ(html.find("ROC curve"), std::string::npos);
}

TEST(ReportHtml, LeavesOutSectionsOfOlderRuns) {
  ReportInputs inputs;
  inputs.manifest = read_run_manifest(testing::fixture_manifest());
  inputs.manifest.stages.erase(Stage::kTrain);
  const std::string html = render_report_html(build_report_content(inputs, "t"));
  EXPECT_NE(html.find("No model was trained in this run."), std::string::npos);
  for (const char* id :
       {"training-curve", "evaluation", "feature-importance", "drift", "data-profile"}) {
    EXPECT_EQ(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
    EXPECT_EQ(html.find(std::string("href=\"#") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("<th>status</th><td>running</td>"), std::string::npos);
}

TEST(ReportMarkdown, SummarizesStatusMetricsChecksDriftAndStages) {
  const std::string md = render_report_markdown(full_content("Flights"));
  EXPECT_EQ(md.rfind("## Flights\n", 0), 0u);
  EXPECT_NE(md.find("**Status: ok**"), std::string::npos);
  EXPECT_NE(md.find("| metric | model | baseline (logistic\\_regression) | vs baseline | previous "
                    "champion (v2) | vs champion |"),
            std::string::npos);
  EXPECT_NE(md.find("| auc | **0.71** | 0.62 | +0.09 | 0.68 | +0.03 |"), std::string::npos);
  EXPECT_NE(md.find("**6 checks:** 4 passed, 1 warnings, 1 failed."), std::string::npos);
  // Only checks that did not pass are listed; | in a column name cannot break the table.
  EXPECT_NE(md.find("| predict | c.yaml | drift\\_psi | dep\\|hour |"), std::string::npos);
  EXPECT_EQ(md.find("row\\_count"), std::string::npos);
  EXPECT_NE(md.find("| date\\_month | 0.9 | drift |"), std::string::npos);
  EXPECT_EQ(md.find("| distance | 0.03"), std::string::npos);  // ok features are counted only
  EXPECT_NE(md.find("| train | ok | 3.000 | 3,008 | 2.0 |"), std::string::npos);
  EXPECT_NE(md.find("Registered as **flights&lt;&amp;&gt;** version **3** (aliases: champion)."),
            std::string::npos);
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_NE(md.find("&lt;script&gt;"), std::string::npos);
}

TEST(ReportMarkdown, SaysSoWhenNoModelWasTrained) {
  ReportInputs inputs;
  inputs.manifest = read_run_manifest(testing::fixture_manifest());
  inputs.manifest.stages.erase(Stage::kTrain);
  const std::string md = render_report_markdown(build_report_content(inputs, "t"));
  EXPECT_NE(md.find("No model was trained in this run."), std::string::npos);
  EXPECT_EQ(md.find("### Drift"), std::string::npos);
}

}  // namespace
}  // namespace mlops
