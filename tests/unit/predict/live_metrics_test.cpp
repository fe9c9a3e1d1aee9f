// Live metrics as data (`mlops evaluate --format json`, the report) and as a terminal table.

#include "mlops/predict/live_metrics.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

const int64_t kDay = 86'400'000'000;

std::vector<LiveMetric> metrics() {
  return {{"v1", "1d", 20'000 * kDay, "auc", 0.75, 3},
          {"v1", "1d", 20'000 * kDay, "logloss", 0.5, 3},
          {"v1", "all", 0, "auc", 0.8, 5}};
}

TEST(LiveMetrics, JsonHasOneEntryPerMetricAndNoStartForAll) {
  const nlohmann::json json = live_metrics_json(metrics());
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(json[0].dump(),
            R"({"metric":"auc","model_version":"v1","rows":3,"value":0.75,"window":"1d",)"
            R"("window_start":"2024-10-04T00:00:00Z"})");
  EXPECT_TRUE(json[2]["window_start"].is_null());
}

TEST(LiveMetrics, TableHasOneLinePerVersionAndWindowWithMetricsSideBySide) {
  EXPECT_EQ(format_live_metrics(metrics()),
            "VERSION  WINDOW START                    ROWS  METRICS\n"
            "v1       1d     2024-10-04 00:00:00         3  auc=0.75  logloss=0.5\n"
            "v1       all    -                           5  auc=0.8\n");
}

}  // namespace
}  // namespace mlops
