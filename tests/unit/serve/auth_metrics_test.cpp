#include <gtest/gtest.h>

#include "mlops/serve/auth.h"
#include "mlops/serve/metrics.h"

namespace mlops {
namespace {

TEST(ServeAuth, BearerTokenComparedWhole) {
  EXPECT_TRUE(bearer_authorized("", ""));  // no token configured: open
  EXPECT_TRUE(bearer_authorized("Bearer abc123", "abc123"));
  EXPECT_TRUE(bearer_authorized("bearer abc123", "abc123"));
  EXPECT_FALSE(bearer_authorized("", "abc123"));
  EXPECT_FALSE(bearer_authorized("Bearer abc12", "abc123"));
  EXPECT_FALSE(bearer_authorized("Bearer abc1234", "abc123"));
  EXPECT_FALSE(bearer_authorized("Basic abc123", "abc123"));
  EXPECT_FALSE(bearer_authorized("Bearer abc124", "abc123"));
  EXPECT_TRUE(constant_time_equal("same", "same"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal("x", ""));
}

TEST(ServeMetrics, PrometheusTextCountsAndHistogram) {
  ServeMetrics metrics({"churn"});
  metrics.count_request(0, 200, 0.0004);
  metrics.count_request(0, 200, 0.003);
  metrics.count_request(0, 422, 0.0001);
  metrics.count_request(std::string::npos, 404, 0.0001);
  metrics.count_predictions(0, AnswerSource::kBatch, 2);
  metrics.count_fallback(0, FallbackReason::kFeaturesStale);
  metrics.count_response(200);
  metrics.count_rejected();
  MetricsSnapshot snapshot;
  snapshot.models.push_back({.workflow = "churn",
                             .version = "v3",
                             .alias = "champion",
                             .loaded_at_us = 1'700'000'000'000'000});
  snapshot.log.queued = 5;
  snapshot.log.journal_bytes = 1234;
  const std::string text = metrics.prometheus(snapshot);
  for (const char* line : {
           "mlops_serve_requests_total{workflow=\"churn\",status=\"200\"} 2\n",
           "mlops_serve_requests_total{workflow=\"churn\",status=\"422\"} 1\n",
           "mlops_serve_requests_total{workflow=\"(unknown)\",status=\"404\"} 1\n",
           "mlops_serve_predictions_total{workflow=\"churn\",source=\"batch\"} 2\n",
           "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"features_stale\"} 1\n",
           "mlops_serve_request_duration_seconds_bucket{workflow=\"churn\",le=\"0.00025\"} 1\n",
           "mlops_serve_request_duration_seconds_bucket{workflow=\"churn\",le=\"0.0005\"} 2\n",
           "mlops_serve_request_duration_seconds_bucket{workflow=\"churn\",le=\"0.005\"} 3\n",
           "mlops_serve_request_duration_seconds_bucket{workflow=\"churn\",le=\"+Inf\"} 3\n",
           "mlops_serve_request_duration_seconds_count{workflow=\"churn\"} 3\n",
           "mlops_serve_model_info{workflow=\"churn\",version=\"v3\",alias=\"champion\"} 1\n",
           "mlops_serve_rejected_total 1\n",
           "mlops_serve_log_queue_depth 5\n",
           "mlops_serve_log_journal_bytes 1234\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
  EXPECT_EQ(prometheus_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace mlops
