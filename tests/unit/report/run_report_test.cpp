#include "mlops/report/run_report.h"

#include <gtest/gtest.h>

#include "mlops/report/html.h"

namespace mlops {
namespace {

nlohmann::json manifest_with_hostile_values() {
  nlohmann::json check{{"check", "allowed_values"}, {"column", "<script>alert(1)</script>"},
                       {"passed", false},           {"severity", "error"},
                       {"expected", "[a & b]"},     {"observed", "1 values outside"},
                       {"example_rows", {3}},       {"example_values", {"\"><img src=x>"}}};
  nlohmann::json stage{{"status", "ok"},
                       {"seconds", 0.5},
                       {"rows", 10},
                       {"columns", 2},
                       {"peak_rss_bytes", 1048576},
                       {"inputs", nlohmann::json::array()},
                       {"contracts", {{{"contract", "c.yaml"}, {"checks", {check}}}}}};
  nlohmann::json train = stage;
  train["details"] = {{"holdout", {{"accuracy", 0.9}}},
                      {"baseline", {{"accuracy", 0.5}}},
                      {"train_rows", 8},
                      {"holdout_rows", 2},
                      {"importance", {{{"feature", "x<y"}, {"gain", 2.0}}}}};
  return {{"run_id", "r1"},
          {"workflow", "w"},
          {"status", "running"},
          {"stages",
           {{"validate", stage},
            {"ingest", stage},
            {"featurize", stage},
            {"train", train},
            {"predict", stage}}}};
}

TEST(Html, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(html_escape("<a href=\"x\">O'Neil & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;");
}

TEST(RunReport, EscapesValuesTakenFromData) {
  std::string html = render_run_report(manifest_with_hostile_values(), "Title <b>");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Title &lt;b&gt;"), std::string::npos);
  EXPECT_NE(html.find("x&lt;y"), std::string::npos);  // feature name in the SVG chart
}

TEST(RunReport, ListsStagesInPipelineOrderWithMetricsAndLift) {
  std::string html = render_run_report(manifest_with_hostile_values(), "t");
  size_t ingest = html.find("<td>ingest</td>");
  size_t featurize = html.find("<td>featurize</td>");
  size_t validate = html.find("<td>validate</td>");
  size_t predict = html.find("<td>predict</td>");
  ASSERT_NE(ingest, std::string::npos);
  EXPECT_LT(ingest, featurize);
  EXPECT_LT(featurize, validate);
  EXPECT_LT(validate, predict);
  EXPECT_NE(html.find("+0.4"), std::string::npos);  // accuracy lift over the baseline
  EXPECT_NE(html.find("<svg"), std::string::npos);
  // Every stage before the report succeeded: the run shows as ok while its report is written.
  EXPECT_NE(html.find("<th>status</th><td>ok</td>"), std::string::npos);
}

TEST(RunReport, SaysSoWhenNoModelWasTrained) {
  nlohmann::json manifest = manifest_with_hostile_values();
  manifest["stages"].erase("train");
  std::string html = render_run_report(manifest, "t");
  EXPECT_NE(html.find("No model was trained in this run."), std::string::npos);
  EXPECT_NE(html.find("<th>status</th><td>running</td>"), std::string::npos);
}

}  // namespace
}  // namespace mlops
