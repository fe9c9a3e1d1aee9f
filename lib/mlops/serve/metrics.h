#pragma once
// What `GET /metrics` reports, counted lock-free on the request threads and rendered as the
// Prometheus text format (0.0.4): predict requests by workflow and status, predictions by
// source, fallbacks by reason, a latency histogram per workflow, every HTTP response by
// status, overload rejections, model reloads, the served version of each workflow and the
// prediction log's queue and journal.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mlops/serve/prediction_sink.h"
#include "mlops/serve/predictor.h"

namespace mlops {

/// Upper bounds of the latency histogram's buckets, in seconds (+Inf implied).
inline constexpr std::array<double, 12> kLatencyBuckets{0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01,
                                                        0.025,   0.05,   0.1,   0.25,  0.5,   1.0};

/// The gauges read when /metrics is asked for.
struct MetricsSnapshot {
  struct Model {
    std::string workflow;
    std::string version;
    std::string alias;
    int64_t loaded_at_us = 0;
  };
  std::vector<Model> models;
  PredictionSinkStats log;
  uint64_t in_flight = 0;
  uint64_t queued_connections = 0;
};

class ServeMetrics {
 public:
  /// Workflow i of the counters is `workflows[i]`; index workflows.size() counts requests
  /// for an unknown workflow.
  explicit ServeMetrics(std::vector<std::string> workflows);

  void count_request(size_t workflow, int status, double seconds);
  void count_predictions(size_t workflow, AnswerSource source, size_t rows);
  void count_fallback(size_t workflow, FallbackReason reason);
  void count_reload(size_t workflow, bool ok);
  void count_response(int status);
  void count_rejected();

  /// Every metric in the Prometheus text format.
  std::string prometheus(const MetricsSnapshot& snapshot) const;

 private:
  static constexpr size_t kStatuses = 600;
  struct PerWorkflow {
    std::array<std::atomic<uint64_t>, kStatuses> status{};
    std::array<std::atomic<uint64_t>, kAnswerSources> source{};
    std::array<std::atomic<uint64_t>, kFallbackReasons> fallback{};
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> bucket{};
    std::atomic<uint64_t> latency_ns{0};
    std::atomic<uint64_t> reload_ok{0};
    std::atomic<uint64_t> reload_failed{0};
  };
  std::vector<std::string> workflows_;
  std::vector<std::unique_ptr<PerWorkflow>> per_workflow_;
  std::array<std::atomic<uint64_t>, kStatuses> responses_{};
  std::atomic<uint64_t> rejected_{0};
};

/// `text` escaped for a Prometheus label value (backslash, quote, newline).
std::string prometheus_label(std::string_view text);

}  // namespace mlops
