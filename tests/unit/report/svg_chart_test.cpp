#include "mlops/report/svg_chart.h"

#include <gtest/gtest.h>

#include "mlops/core/escape.h"
#include "report_fixtures.h"

namespace mlops {
namespace {

TEST(Html, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(html_escape("<a href=\"x\">O'Neil & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;");
}

TEST(Html, MarkdownEscapeKeepsATableCellOneCell) {
  EXPECT_EQ(markdown_escape("a|b\n*c*_d_ <i>&"), "a\\|b \\*c\\*\\_d\\_ &lt;i&gt;&amp;");
}

TEST(NiceTicks, CoverTheRangeWithRoundSteps) {
  const std::vector<double> unit = nice_ticks(0, 1);
  ASSERT_EQ(unit.size(), 6u);
  EXPECT_EQ(unit.front(), 0);
  EXPECT_NEAR(unit[1], 0.2, 1e-12);
  EXPECT_NEAR(unit.back(), 1, 1e-12);
  const std::vector<double> ticks = nice_ticks(3, 97);
  EXPECT_EQ(ticks.front(), 0);
  EXPECT_EQ(ticks.back(), 100);
  EXPECT_EQ(ticks[1] - ticks[0], 20);
  const std::vector<double> flat = nice_ticks(5, 5);  // a constant still gets a range
  EXPECT_LT(flat.front(), 5);
  EXPECT_GT(flat.back(), 5);
}

TEST(SvgChart, LineChartDrawsEverySeriesWithTitleLegendAndMarker) {
  ChartFrame frame{.title = "Loss <by> round", .x_label = "round", .y_label = "logloss"};
  frame.x_marker = 2;
  frame.x_marker_label = "best round 2";
  const std::string svg = svg_line_chart(
      {{"train", {{1, 0.6}, {2, 0.5}, {3, 0.4}}}, {"valid&ation", {{1, 0.7}, {2, 0.6}}}}, frame);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("<title>Loss &lt;by&gt; round</title>"), std::string::npos);
  EXPECT_NE(svg.find("aria-label=\"Loss &lt;by&gt; round\""), std::string::npos);
  EXPECT_EQ(testing::count_of(svg, "<polyline"), 2u);
  EXPECT_NE(svg.find(">valid&amp;ation</text>"), std::string::npos);  // legend
  EXPECT_NE(svg.find("best round 2"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
}

TEST(SvgChart, FixedRangesAndTheDiagonal) {
  const std::string svg =
      svg_line_chart({{"roc", {{0, 0}, {0.2, 0.7}, {1, 1}}}}, {.title = "ROC",
                                                               .x_range = std::pair{0.0, 1.0},
                                                               .y_range = std::pair{0.0, 1.0},
                                                               .diagonal = true});
  EXPECT_NE(svg.find("stroke-dasharray=\"4 3\""), std::string::npos);
  EXPECT_NE(svg.find(">0.8</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">1.2</text>"), std::string::npos);
}

TEST(SvgChart, ScatterHistogramSparklineAndHeatmapDrawOneShapePerValue) {
  EXPECT_EQ(testing::count_of(svg_scatter_chart({"p", {{1, 1}, {2, 2.5}, {3, 2}}}, {.title = "s"}),
                              "<circle"),
            3u);
  const std::string histogram = svg_histogram({0, 1, 2, 3}, {5, 0, 2}, {.title = "h"});
  EXPECT_EQ(testing::count_of(histogram, "<rect"), 3u);
  EXPECT_NE(histogram.find("<title>[0, 1): 5</title>"), std::string::npos);
  EXPECT_EQ(svg_histogram({0, 1}, {1, 2}, {.title = "mismatch"}), "");
  const std::string spark = svg_sparkline({3, 1}, {"a<b: 3", "c: 1"}, "top values");
  EXPECT_EQ(testing::count_of(spark, "<rect"), 2u);
  EXPECT_NE(spark.find("<title>a&lt;b: 3</title>"), std::string::npos);
  const std::string heatmap =
      svg_heatmap({"cat", "<dog>"}, {{5, 1}, {2, 7}},
                  {.title = "Confusion", .x_label = "predicted", .y_label = "actual"});
  EXPECT_EQ(testing::count_of(heatmap, "<rect"), 4u);
  EXPECT_NE(heatmap.find("actual &lt;dog&gt;, predicted cat: 2"), std::string::npos);
  EXPECT_EQ(heatmap.find("<dog>"), std::string::npos);
}

TEST(SvgChart, BarChartScalesToTheLargestValue) {
  const std::string svg = svg_bar_chart({{"a<b", 4}, {"c", 2}}, "gain");
  EXPECT_NE(svg.find("width=\"360.0\""), std::string::npos);
  EXPECT_NE(svg.find("width=\"180.0\""), std::string::npos);
  EXPECT_NE(svg.find(">a&lt;b</text>"), std::string::npos);
}

}  // namespace
}  // namespace mlops
