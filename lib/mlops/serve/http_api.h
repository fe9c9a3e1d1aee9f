#pragma once
// The HTTP routes of `mlops serve` on a cpp-httplib server (docs/serving.md, "API"):
//   POST /v1/workflows/{name}/predict   predictions with the fallback chain
//   GET  /healthz /readyz /metrics /openapi.json
//   GET  /v1/features[/{view}[/{key}]]  the feature store's catalog and online lookups
// Every request but /healthz passes the bearer check; a connection the work queue turns away
// gets 503. Error bodies are {"error": "...", "status": N}: the message names the field or the
// byte, never a path, a trace or a secret.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mlops/serve/http_message.h"
#include "mlops/serve/metrics.h"
#include "mlops/serve/model_set.h"
#include "mlops/serve/prediction_sink.h"
#include "mlops/serve/predictor.h"
#include "mlops/serve/settings.h"
#include "mlops/serve/store_pool.h"

namespace mlops {

/// One served workflow.
struct ServedWorkflow {
  std::string name;
  std::string model;  // the registered model's name (what the prediction log files rows under)
  size_t slot = 0;    // its model in the ModelSet
  std::unique_ptr<Predictor> predictor;
  OnlineStorePool* store = nullptr;
};

/// What the routes read and count; owned by the caller, outliving the server.
struct ServeState {
  ServerSettings settings;
  std::vector<ServedWorkflow> workflows;
  std::unique_ptr<ModelSet> models;
  std::vector<std::unique_ptr<OnlineStorePool>> stores;
  std::unique_ptr<ServeMetrics> metrics;
  PredictionSink* sink = nullptr;
  std::atomic<size_t> in_flight{0};
  std::atomic<size_t> queued{0};
  std::string openapi;  // /openapi.json's body, built by prepare_routes()
};

/// Builds what the routes answer from memory (the OpenAPI document); call once before serving.
void prepare_routes(ServeState& state);

/// Answers every route but predict (which needs the body): true when `res` is the answer, false
/// for a predict request (POST /v1/workflows/{name}/predict). Auth, 401/404/405 included.
bool answer_before_body(ServeState& state, const HttpRequest& req, HttpResponse& res);

/// Answers `req` (any route, its body read) into `res`; `start` is when it arrived (the
/// predict latency is measured from it). The caller counts in_flight and the response status.
void answer_request(ServeState& state, const HttpRequest& req, HttpResponse& res,
                    std::chrono::steady_clock::time_point start);

/// Answers a batch of requests (any routes, bodies read): every predict request's online
/// feature reads go to each store together (one read per view for the whole batch), then each
/// is scored and answered into the response at the same index. `starts[i]` is when request i
/// arrived. The caller counts in_flight and the responses' statuses.
void answer_requests(ServeState& state, std::span<const HttpRequest> requests,
                     std::span<HttpResponse> responses,
                     std::span<const std::chrono::steady_clock::time_point> starts);

/// The error answer every route uses: {"error": message, "status": status}.
void answer_error(HttpResponse& res, int status, std::string_view message);

/// 503 "the server is overloaded (`why`); retry", Retry-After: 1, Connection: close.
void answer_overloaded(HttpResponse& res, std::string_view why);

/// 413 for a body over serve.max_body_bytes.
void answer_too_large(const ServerSettings& settings, HttpResponse& res);

/// The message of an exception caught as `error` ("unknown" when it is not a std::exception).
std::string describe_exception(std::exception_ptr error);

/// The cpp-httplib server (serve.http_server: threads): configures `server` (timeouts, limits,
/// keep-alive, the work queue) and its routes.
void install_routes(httplib::Server& server, ServeState& state);

}  // namespace mlops
