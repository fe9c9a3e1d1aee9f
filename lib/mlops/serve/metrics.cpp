#include "mlops/serve/metrics.h"

#include <fmt/format.h>

#include <cmath>

namespace mlops {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

size_t status_index(int status) {
  return status >= 0 && status < 600 ? static_cast<size_t>(status) : 0;
}

}  // namespace

std::string prometheus_label(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

ServeMetrics::ServeMetrics(std::vector<std::string> workflows) : workflows_(std::move(workflows)) {
  for (size_t i = 0; i <= workflows_.size(); ++i) {
    per_workflow_.push_back(std::make_unique<PerWorkflow>());
  }
}

void ServeMetrics::count_request(size_t workflow, int status, double seconds) {
  PerWorkflow& w = *per_workflow_[std::min(workflow, workflows_.size())];
  w.status[status_index(status)].fetch_add(1, kRelaxed);
  size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
  w.bucket[bucket].fetch_add(1, kRelaxed);
  w.latency_ns.fetch_add(static_cast<uint64_t>(std::llround(seconds * 1e9)), kRelaxed);
}

void ServeMetrics::count_predictions(size_t workflow, AnswerSource source, size_t rows) {
  per_workflow_[std::min(workflow, workflows_.size())]
      ->source[static_cast<size_t>(source)]
      .fetch_add(rows, kRelaxed);
}

void ServeMetrics::count_fallback(size_t workflow, FallbackReason reason) {
  per_workflow_[std::min(workflow, workflows_.size())]
      ->fallback[static_cast<size_t>(reason)]
      .fetch_add(1, kRelaxed);
}

void ServeMetrics::count_reload(size_t workflow, bool ok) {
  PerWorkflow& w = *per_workflow_[std::min(workflow, workflows_.size())];
  (ok ? w.reload_ok : w.reload_failed).fetch_add(1, kRelaxed);
}

void ServeMetrics::count_response(int status) {
  responses_[status_index(status)].fetch_add(1, kRelaxed);
}

void ServeMetrics::count_rejected() {
  rejected_.fetch_add(1, kRelaxed);
}

std::string ServeMetrics::prometheus(const MetricsSnapshot& snapshot) const {
  std::string out;
  out.reserve(8192);
  auto name_of = [&](size_t i) {
    return prometheus_label(i < workflows_.size() ? workflows_[i] : std::string("(unknown)"));
  };

  out +=
      "# HELP mlops_serve_requests_total Predict requests by workflow and HTTP status.\n"
      "# TYPE mlops_serve_requests_total counter\n";
  for (size_t i = 0; i < per_workflow_.size(); ++i) {
    for (size_t s = 0; s < kStatuses; ++s) {
      const uint64_t n = per_workflow_[i]->status[s].load(kRelaxed);
      if (n == 0) continue;
      out += fmt::format("mlops_serve_requests_total{{workflow=\"{}\",status=\"{}\"}} {}\n",
                         name_of(i), s, n);
    }
  }

  out +=
      "# HELP mlops_serve_predictions_total Predictions answered, by workflow and the source "
      "that answered (model, batch, baseline, default).\n"
      "# TYPE mlops_serve_predictions_total counter\n";
  for (size_t i = 0; i < workflows_.size(); ++i) {
    for (size_t s = 0; s < kAnswerSources; ++s) {
      out += fmt::format("mlops_serve_predictions_total{{workflow=\"{}\",source=\"{}\"}} {}\n",
                         name_of(i), answer_source_name(static_cast<AnswerSource>(s)),
                         per_workflow_[i]->source[s].load(kRelaxed));
    }
  }

  out +=
      "# HELP mlops_serve_fallbacks_total Steps of the fallback chain passed over, by workflow "
      "and reason.\n"
      "# TYPE mlops_serve_fallbacks_total counter\n";
  for (size_t i = 0; i < workflows_.size(); ++i) {
    for (size_t r = 0; r < kFallbackReasons; ++r) {
      out += fmt::format("mlops_serve_fallbacks_total{{workflow=\"{}\",reason=\"{}\"}} {}\n",
                         name_of(i), fallback_reason_name(static_cast<FallbackReason>(r)),
                         per_workflow_[i]->fallback[r].load(kRelaxed));
    }
  }

  out +=
      "# HELP mlops_serve_request_duration_seconds Predict request latency, received to "
      "answered.\n"
      "# TYPE mlops_serve_request_duration_seconds histogram\n";
  for (size_t i = 0; i < workflows_.size(); ++i) {
    const PerWorkflow& w = *per_workflow_[i];
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      cumulative += w.bucket[b].load(kRelaxed);
      const std::string le =
          b < kLatencyBuckets.size() ? fmt::format("{}", kLatencyBuckets[b]) : "+Inf";
      out += fmt::format(
          "mlops_serve_request_duration_seconds_bucket{{workflow=\"{}\",le=\"{}\"}} {}\n",
          name_of(i), le, cumulative);
    }
    out += fmt::format("mlops_serve_request_duration_seconds_sum{{workflow=\"{}\"}} {}\n",
                       name_of(i), static_cast<double>(w.latency_ns.load(kRelaxed)) / 1e9);
    out += fmt::format("mlops_serve_request_duration_seconds_count{{workflow=\"{}\"}} {}\n",
                       name_of(i), cumulative);
  }

  out +=
      "# HELP mlops_serve_http_responses_total Every HTTP response, by status.\n"
      "# TYPE mlops_serve_http_responses_total counter\n";
  for (size_t s = 0; s < kStatuses; ++s) {
    const uint64_t n = responses_[s].load(kRelaxed);
    if (n > 0) out += fmt::format("mlops_serve_http_responses_total{{status=\"{}\"}} {}\n", s, n);
  }
  out += fmt::format(
      "# HELP mlops_serve_rejected_total Connections answered 503 because every worker was busy "
      "and the queue full (serve.http_server=loop: serve.max_connections were open).\n"
      "# TYPE mlops_serve_rejected_total counter\n"
      "mlops_serve_rejected_total {}\n",
      rejected_.load(kRelaxed));
  out += fmt::format(
      "# HELP mlops_serve_in_flight_requests Requests being answered now.\n"
      "# TYPE mlops_serve_in_flight_requests gauge\n"
      "mlops_serve_in_flight_requests {}\n"
      "# HELP mlops_serve_queued_connections Connections waiting for a worker.\n"
      "# TYPE mlops_serve_queued_connections gauge\n"
      "mlops_serve_queued_connections {}\n",
      snapshot.in_flight, snapshot.queued_connections);

  out +=
      "# HELP mlops_serve_model_info The model version each workflow serves (value 1).\n"
      "# TYPE mlops_serve_model_info gauge\n";
  for (const auto& model : snapshot.models) {
    out += fmt::format("mlops_serve_model_info{{workflow=\"{}\",version=\"{}\",alias=\"{}\"}} 1\n",
                       prometheus_label(model.workflow), prometheus_label(model.version),
                       prometheus_label(model.alias));
  }
  out +=
      "# HELP mlops_serve_model_loaded_timestamp_seconds When the served version was loaded.\n"
      "# TYPE mlops_serve_model_loaded_timestamp_seconds gauge\n";
  for (const auto& model : snapshot.models) {
    out += fmt::format("mlops_serve_model_loaded_timestamp_seconds{{workflow=\"{}\"}} {:.3f}\n",
                       prometheus_label(model.workflow),
                       static_cast<double>(model.loaded_at_us) / 1e6);
  }
  out +=
      "# HELP mlops_serve_model_reloads_total Hot reloads of a changed alias, by result.\n"
      "# TYPE mlops_serve_model_reloads_total counter\n";
  for (size_t i = 0; i < workflows_.size(); ++i) {
    out += fmt::format(
        "mlops_serve_model_reloads_total{{workflow=\"{}\",result=\"ok\"}} {}\n"
        "mlops_serve_model_reloads_total{{workflow=\"{}\",result=\"failed\"}} {}\n",
        name_of(i), per_workflow_[i]->reload_ok.load(kRelaxed), name_of(i),
        per_workflow_[i]->reload_failed.load(kRelaxed));
  }

  const PredictionSinkStats& log = snapshot.log;
  out += fmt::format(
      "# HELP mlops_serve_log_accepted_total Served predictions handed to the prediction log.\n"
      "# TYPE mlops_serve_log_accepted_total counter\n"
      "mlops_serve_log_accepted_total {}\n"
      "# HELP mlops_serve_log_stored_total Served predictions written to the evaluation store.\n"
      "# TYPE mlops_serve_log_stored_total counter\n"
      "mlops_serve_log_stored_total {}\n"
      "# HELP mlops_serve_log_queue_depth Served predictions waiting in memory.\n"
      "# TYPE mlops_serve_log_queue_depth gauge\n"
      "mlops_serve_log_queue_depth {}\n"
      "# HELP mlops_serve_log_journal_records Served predictions waiting in the on-disk journal.\n"
      "# TYPE mlops_serve_log_journal_records gauge\n"
      "mlops_serve_log_journal_records {}\n"
      "# HELP mlops_serve_log_journal_bytes Size of the on-disk journal.\n"
      "# TYPE mlops_serve_log_journal_bytes gauge\n"
      "mlops_serve_log_journal_bytes {}\n"
      "# HELP mlops_serve_log_store_reachable 1 when the last write to the evaluation store "
      "succeeded.\n"
      "# TYPE mlops_serve_log_store_reachable gauge\n"
      "mlops_serve_log_store_reachable {}\n",
      log.accepted, log.stored, log.queued, log.journaled, log.journal_bytes,
      log.store_reachable ? 1 : 0);
  return out;
}

}  // namespace mlops
