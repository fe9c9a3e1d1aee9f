#pragma once
// `mlops serve` from start to stop: loads each workflow's model from the registry, binds the
// address, answers on the worker threads while the calling thread looks for promotions and
// rollbacks (every serve.reload_interval, and at once on SIGHUP) and for SIGTERM/SIGINT, then
// stops accepting, drains the requests in flight within serve.drain_timeout, closes the
// prediction log and returns.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/serve/prediction_sink.h"
#include "mlops/serve/settings.h"

namespace mlops {

/// What the command line adds to the settings.
struct ServeOverrides {
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<size_t> threads;
};

/// Serves `workflows` until SIGTERM or SIGINT. `sink` receives every served prediction and is
/// closed at the end; `on_listening(port)` runs once the port is bound (the port chosen when
/// serve.port is 0). Throws ConfigError for a workflow without a served version of its model,
/// IoError when the address cannot be bound, what ScoringEngine::load throws.
void run_serve(const std::vector<Workflow>& workflows, const ServeOverrides& overrides,
               PredictionSink& sink, const std::function<void(int port)>& on_listening = {});

}  // namespace mlops
