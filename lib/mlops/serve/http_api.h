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
#include <memory>
#include <string>
#include <vector>

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
};

/// Configures `server` (timeouts, limits, keep-alive, the work queue) and its routes.
void install_routes(httplib::Server& server, ServeState& state);

}  // namespace mlops
